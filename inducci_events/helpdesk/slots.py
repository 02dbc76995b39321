"""Slot expansion: office-hour rules (wall clock in the desk's zone) -> UTC slots.

Pure functions over plain values, so the same code serves the pages, the API, the
booking service's "is this a slot?" check and the benchmark. Expansion walks local
calendar dates and builds each slot's wall-clock start with :mod:`zoneinfo`, so a
Tuesday 14:00 rule in Europe/Rome is 14:00 local on both sides of a clock change
(13:00 UTC in winter, 12:00 UTC in summer).
"""
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ..core.timeutil import zone


@dataclass(frozen=True)
class Slot:
    desk_id: int
    adviser_id: int
    rule_id: int
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC
    seats: int
    mode: str
    seats_left: int = 0


def rule_slots(rule, tz_name, first_day, last_day):
    """Every slot of ``rule`` on the local dates ``first_day``..``last_day`` (inclusive).

    ``rule`` needs ``weekdays`` (bit mask, Monday = bit 0), ``start_time``, ``end_time``,
    ``slot_minutes``, ``buffer_minutes``, ``valid_from``, ``valid_until`` (or None),
    ``seats``, ``mode``, ``id``, ``desk_id`` and ``adviser_id``. Slots follow each other
    every ``slot_minutes + buffer_minutes`` and the last one ends by ``end_time``.
    Yields :class:`Slot` with ``seats_left = seats``.
    """
    tz = zone(tz_name)
    day = max(first_day, rule.valid_from)
    last = last_day if rule.valid_until is None else min(last_day, rule.valid_until)
    length = timedelta(minutes=rule.slot_minutes)
    step = timedelta(minutes=rule.slot_minutes + rule.buffer_minutes)
    while day <= last:
        if rule.weekdays & (1 << day.weekday()):
            local = datetime.combine(day, rule.start_time)
            close = datetime.combine(day, rule.end_time)
            while local + length <= close:
                # Wall-clock arithmetic on naive local times, then the zone: DST-safe.
                start = local.replace(tzinfo=tz).astimezone(timezone.utc)
                end = (local + length).replace(tzinfo=tz).astimezone(timezone.utc)
                yield Slot(rule.desk_id, rule.adviser_id, rule.id, start, end, rule.seats, rule.mode, rule.seats)
                local += step
        day += timedelta(days=1)


def absent_days(absences):
    """``{adviser_id: set(date)}`` from absences with ``adviser_id``, ``starts_on``, ``ends_on``."""
    days = {}
    for absence in absences:
        day = absence.starts_on
        bucket = days.setdefault(absence.adviser_id, set())
        while day <= absence.ends_on:
            bucket.add(day)
            day += timedelta(days=1)
    return days


class BusyIndex:
    """The advisers' active appointments, for fast "is this slot taken?" questions.

    ``appointments`` are ``(adviser_id, desk_id, starts_at, ends_at)`` tuples (UTC).
    """

    def __init__(self, appointments):
        by_adviser = {}
        for adviser_id, desk_id, starts_at, ends_at in appointments:
            by_adviser.setdefault(adviser_id, []).append((starts_at, ends_at, desk_id))
        self._starts = {}
        self._items = {}
        self._longest = {}
        for adviser_id, items in by_adviser.items():
            items.sort()
            self._items[adviser_id] = items
            self._starts[adviser_id] = [i[0] for i in items]
            self._longest[adviser_id] = max(i[1] - i[0] for i in items)

    def overlapping(self, adviser_id, starts_at, ends_at):
        """Appointments of the adviser that overlap ``[starts_at, ends_at)``."""
        items = self._items.get(adviser_id)
        if not items:
            return []
        starts = self._starts[adviser_id]
        i = bisect_left(starts, starts_at - self._longest[adviser_id])
        found = []
        while i < len(items) and items[i][0] < ends_at:
            if items[i][1] > starts_at:
                found.append(items[i])
            i += 1
        return found


def seats_left(slot, busy):
    """Seats still free in ``slot``: a seat is taken by each appointment of exactly this
    slot at this desk; any other overlapping appointment of the adviser (another desk,
    another slot length) means the adviser is busy, so nothing is free."""
    taken = 0
    for starts_at, ends_at, desk_id in busy.overlapping(slot.adviser_id, slot.starts_at, slot.ends_at):
        if desk_id != slot.desk_id or starts_at != slot.starts_at or ends_at != slot.ends_at:
            return 0
        taken += 1
    return max(slot.seats - taken, 0)


def local_dates(starts_at, ends_at, tz_name):
    """The local calendar dates in ``tz_name`` touched by the UTC range (inclusive)."""
    tz = zone(tz_name)
    return starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()


def compute_free_slots(rules, absences, appointments, desk_zones, starts_at, ends_at, *,
                       earliest=None, latest_by_desk=None):
    """Free slots of ``rules`` starting in ``[starts_at, ends_at)``, sorted by start.

    :param desk_zones: ``{desk_id: tz_name}``.
    :param earliest: ``{desk_id: datetime}``: no slot before (lead time).
    :param latest_by_desk: ``{desk_id: datetime}``: no slot after (horizon).
    Slots on an absent day of the adviser and slots without a free seat are left out.
    """
    busy = BusyIndex(appointments)
    away = absent_days(absences)
    free = []
    for rule in rules:
        tz_name = desk_zones[rule.desk_id]
        first_day, last_day = local_dates(starts_at, ends_at, tz_name)
        lower = max(starts_at, (earliest or {}).get(rule.desk_id, starts_at))
        upper = min(ends_at, (latest_by_desk or {}).get(rule.desk_id, ends_at))
        adviser_away = away.get(rule.adviser_id, ())
        for slot in rule_slots(rule, tz_name, first_day, last_day):
            if slot.starts_at < lower or slot.starts_at >= upper:
                continue
            if adviser_away and slot.starts_at.astimezone(zone(tz_name)).date() in adviser_away:
                continue
            left = seats_left(slot, busy)
            if left > 0:
                free.append(Slot(slot.desk_id, slot.adviser_id, slot.rule_id, slot.starts_at, slot.ends_at,
                                 slot.seats, slot.mode, left))
    free.sort(key=lambda s: (s.starts_at, s.adviser_id, s.desk_id))
    return free


def parse_weekdays(values):
    """``[0, 2]`` -> bit mask ``0b101``."""
    mask = 0
    for value in values:
        mask |= 1 << int(value)
    return mask


def date_range_days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
