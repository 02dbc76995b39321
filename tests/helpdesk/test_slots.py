"""Slot expansion: wall-clock rules in the desk's zone, across DST, validity, absences, buffers."""
from datetime import date, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from inducci_events.helpdesk import queries, services
from inducci_events.helpdesk.slots import rule_slots

from .conftest import NOW, utc

ROME = ZoneInfo("Europe/Rome")


def _rule(**values):
    base = dict(id=1, desk_id=1, adviser_id=1, weekdays=1 << 1, start_time=time(14), end_time=time(17),
                slot_minutes=60, buffer_minutes=0, valid_from=date(2027, 1, 1), valid_until=None, seats=1,
                mode="onsite")
    base.update(values)
    return SimpleNamespace(**base)


def test_tuesday_14_00_in_rome_stays_14_00_across_both_clock_changes():
    rule = _rule()
    march = list(rule_slots(rule, "Europe/Rome", date(2027, 3, 22), date(2027, 3, 31)))
    october = list(rule_slots(rule, "Europe/Rome", date(2027, 10, 25), date(2027, 11, 3)))
    firsts = [s.starts_at for s in march + october if s.starts_at.astimezone(ROME).hour == 14]
    # CET (UTC+1) before the last Sunday of March, CEST (UTC+2) after; back to CET in November.
    assert firsts == [utc(2027, 3, 23, 13), utc(2027, 3, 30, 12), utc(2027, 10, 26, 12), utc(2027, 11, 2, 13)]
    assert {s.starts_at.astimezone(ROME).strftime("%a %H:%M") for s in march + october} == {
        "Tue 14:00", "Tue 15:00", "Tue 16:00"}
    assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in march + october)


def test_45_minute_slots_with_a_15_minute_buffer():
    rule = _rule(slot_minutes=45, buffer_minutes=15, start_time=time(9), end_time=time(12, 30))
    slots = list(rule_slots(rule, "Europe/Rome", date(2027, 3, 2), date(2027, 3, 2)))
    # 09:00, 10:00, 11:00 fit; 12:00-12:45 would end after 12:30.
    assert [(s.starts_at.astimezone(ROME).strftime("%H:%M"), s.ends_at.astimezone(ROME).strftime("%H:%M"))
            for s in slots] == [("09:00", "09:45"), ("10:00", "10:45"), ("11:00", "11:45")]


def test_no_slots_after_valid_until_or_before_valid_from():
    rule = _rule(valid_from=date(2027, 3, 9), valid_until=date(2027, 3, 16))
    days = {s.starts_at.astimezone(ROME).date() for s in rule_slots(rule, "Europe/Rome", date(2027, 3, 1),
                                                                     date(2027, 3, 31))}
    assert days == {date(2027, 3, 9), date(2027, 3, 16)}


def test_free_slots_leave_out_absences_and_taken_slots_across_dst(make_desk, make_user):
    made = make_desk(rule=dict(slot_minutes=45, buffer_minutes=15, valid_until=date(2027, 4, 6)))
    desk, adviser = made["desk"], made["adviser"]
    services.add_absence(made["adviser_user"], adviser.id, starts_on=date(2027, 3, 16), ends_on=date(2027, 3, 16))
    person = make_user()
    services.book(person, desk.id, adviser.id, utc(2027, 3, 30, 12), topic="crowdfunding", now=NOW)

    slots = queries.free_slots([desk.id], utc(2027, 3, 1), utc(2027, 5, 1), now=NOW)
    local = [s.starts_at.astimezone(ROME) for s in slots]
    assert {d.date() for d in local} == {date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 23),
                                         date(2027, 3, 30), date(2027, 4, 6)}  # not 16 March, nothing after 6 April
    assert {d.strftime("%H:%M") for d in local} == {"14:00", "15:00", "16:00"}
    # The booked 14:00 on 30 March (12:00 UTC, summer time) is gone, the rest of that day is free.
    assert [d.strftime("%H:%M") for d in local if d.date() == date(2027, 3, 30)] == ["15:00", "16:00"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=45) for s in slots)


def test_free_slots_respect_lead_time_and_horizon(make_desk):
    made = make_desk(rule=dict(weekdays=[0, 1, 2, 3, 4]), horizon_days=7, lead_time_hours=30)
    slots = queries.free_slots([made["desk"].id], utc(2027, 2, 1), utc(2027, 6, 1), now=NOW)
    assert slots[0].starts_at == utc(2027, 3, 2, 14)  # Tuesday 15:00 Rome is the first 30 hours ahead
    assert slots[-1].starts_at <= NOW + timedelta(days=7)
