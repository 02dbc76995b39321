"""The calendar builder writes documents that icalendar and a second parser (vobject) read."""
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
import vobject

from inducci_events.core.ical import FeedItem, build_calendar, make_uid
from inducci_events.core.timeutil import local_to_utc

STAMP = datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc)

pytestmark = pytest.mark.usefixtures("app")  # the ORGANIZER's address is the app's sender


def _session(day, month, year=2026, hour=18, tz="Europe/Vienna", **kw):
    start = local_to_utc(datetime(year, month, day, hour, 0), tz)
    end = local_to_utc(datetime(year, month, day, hour + 2, 0), tz)
    return FeedItem(uid=make_uid("session", f"{month}-{day}"), summary="Concert", start=start, end=end,
                    tz=tz, sequence=kw.pop("sequence", 0), last_modified=STAMP, location="Tabakfabrik Linz",
                    url="https://events.test/e/1", **kw)


def test_required_calendar_properties_and_vtimezone():
    body = build_calendar("Linz", [_session(10, 7), _session(10, 12)])
    cal = icalendar.Calendar.from_ical(body)
    for prop in ("VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME", "REFRESH-INTERVAL",
                 "X-PUBLISHED-TTL"):
        assert prop in cal, prop
    assert cal["METHOD"] == "PUBLISH" and cal["X-WR-CALNAME"] == "Linz"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Vienna"]
    for event in cal.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "SUMMARY", "LOCATION", "URL", "STATUS"):
            assert prop in event, prop
        assert event["DTSTART"].params["TZID"] == "Europe/Vienna"


def test_six_pm_in_vienna_in_july_and_december_for_another_parser():
    body = build_calendar("Linz", [_session(10, 7), _session(10, 12)]).decode()
    parsed = vobject.readOne(body)
    starts = sorted(e.dtstart.value for e in parsed.vevent_list)
    assert [s.hour for s in starts] == [18, 18]
    assert [s.utcoffset().total_seconds() / 3600 for s in starts] == [2, 1]


def test_office_hours_across_both_clock_changes_in_rome():
    items = [_session(d, m, hour=14, tz="Europe/Rome") for d, m in ((24, 3), (31, 3), (20, 10), (27, 10))]
    cal = icalendar.Calendar.from_ical(build_calendar("Desk", items))
    assert [e.decoded("DTSTART").hour for e in cal.walk("VEVENT")] == [14, 14, 14, 14]
    assert len({e.decoded("DTSTART").utcoffset() for e in cal.walk("VEVENT")}) == 2


def test_all_day_items_have_an_exclusive_date_end():
    item = FeedItem(uid=make_uid("space-booking", 7), summary="Occupied", start=date(2026, 12, 1),
                    end=date(2026, 12, 6), sequence=2, last_modified=STAMP)
    cal = icalendar.Calendar.from_ical(build_calendar("Shop", [item]))
    [event] = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 1) and event.decoded("DTEND") == date(2026, 12, 6)
    assert event["SEQUENCE"] == 2
    assert not list(cal.walk("VTIMEZONE"))
    parsed = vobject.readOne(build_calendar("Shop", [item]).decode())
    assert parsed.vevent.dtend.value == date(2026, 12, 6)


def test_cancelled_items_stay_and_say_so():
    cal = icalendar.Calendar.from_ical(build_calendar("Me", [_session(10, 7, status="CANCELLED", sequence=3)]))
    [event] = cal.walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"], event["TRANSP"]) == ("CANCELLED", 3, "TRANSPARENT")


def test_mail_attachments_use_request_and_cancel_methods_from_the_organiser_to_the_recipient():
    for method in ("REQUEST", "CANCEL"):
        cal = icalendar.Calendar.from_ical(build_calendar(
            "x", [_session(1, 7, organiser="Business Upper Austria")], method=method, attendee=("Ana", "ana@example.org")))
        [event] = cal.walk("VEVENT")
        assert cal["METHOD"] == method
        assert str(event["ORGANIZER"]) == "mailto:noreply@localhost"
        assert event["ORGANIZER"].params["CN"] == "Business Upper Austria"
        assert str(event["ATTENDEE"]) == "mailto:ana@example.org" and event["ATTENDEE"].params["CN"] == "Ana"
    with pytest.raises(ValueError):
        build_calendar("x", [_session(1, 7)], method="REQUEST")


def test_an_optional_alarm_before_timed_items():
    cal = icalendar.Calendar.from_ical(build_calendar("Me", [_session(10, 7)], alarm=timedelta(minutes=30)))
    [alarm] = cal.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=30) and alarm["ACTION"] == "DISPLAY"
    assert not icalendar.Calendar.from_ical(build_calendar("Me", [_session(10, 7)])).walk("VALARM")


def test_the_same_items_give_the_same_bytes():
    items = [_session(10, 7), _session(11, 7)]
    assert build_calendar("Linz", items) == build_calendar("Linz", items)
