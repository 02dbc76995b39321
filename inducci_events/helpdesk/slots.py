"""Slot expansion: office-hour rules (wall clock in the desk's zone) -> UTC slots.

Pure functions over plain values, so the same code serves the pages, the API, the
booking service's "is this a slot?" check and the benchmark. Expansion walks local
calendar dates and builds each slot's wall-clock start with :mod:`zoneinfo`, so a
Tuesday 14:00 rule in Europe/Rome is 14:00 local on both sides of a clock change
(13:00 UTC in winter, 12:00 UTC in summer).
"""
from bisect import bisect_left
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from ..core.timeutil import zone

_EPOCH = datetime(1970, 1, 1)


class Slot(NamedTuple):
    desk_id: int
    adviser_id: int
    rule_id: int
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC
    seats: int
    mode: str
    seats_left: int = 0


def _epoch(local_naive, offset):
    """Seconds since the epoch of a wall-clock time with a known UTC offset."""
    return int((local_naive - offset - _EPOCH).total_seconds())


def _utc(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc)


def _rule_intervals(rule, tz, first_day, last_day, skip_days=()):
    """``(local_date, start, end)`` of every slot of ``rule`` (epoch seconds, UTC)."""
    day = max(first_day, rule.valid_from)
    last = last_day if rule.valid_until is None else min(last_day, rule.valid_until)
    length = timedelta(minutes=rule.slot_minutes)
    step = timedelta(minutes=rule.slot_minutes + rule.buffer_minutes)
    length_s, step_s = int(length.total_seconds()), int(step.total_seconds())
    one_day = timedelta(days=1)
    while day <= last:
        if rule.weekdays & (1 << day.weekday()) and day not in skip_days:
            opening = datetime.combine(day, rule.start_time)
            close = datetime.combine(day, rule.end_time)
            if close - opening >= length:
                count = (close - opening - length) // step + 1
                offset = tz.utcoffset(opening)
                if offset == tz.utcoffset(close):
                    # The usual case: no clock change inside the office hours.
                    base = _epoch(opening, offset)
                    for k in range(count):
                        start = base + k * step_s
                        yield day, start, start + length_s
                else:
                    # A clock change inside the hours: each wall-clock start on its own offset.
                    for k in range(count):
                        local = opening + k * step
                        start = _epoch(local, tz.utcoffset(local))
                        yield day, start, _epoch(local + length, tz.utcoffset(local + length))
        day += one_day


def rule_slots(rule, tz_name, first_day, last_day):
    """Every slot of ``rule`` on the local dates ``first_day``..``last_day`` (inclusive).

    ``rule`` needs ``weekdays`` (bit mask, Monday = bit 0), ``start_time``, ``end_time``,
    ``slot_minutes``, ``buffer_minutes``, ``valid_from``, ``valid_until`` (or None),
    ``seats``, ``mode``, ``id``, ``desk_id`` and ``adviser_id``. Slots follow each other
    every ``slot_minutes + buffer_minutes`` and the last one ends by ``end_time``; each
    start is a wall-clock time in ``tz_name``, so it keeps its local hour across DST.
    Yields :class:`Slot` with ``seats_left = seats``.
    """
    for _day, start, end in _rule_intervals(rule, zone(tz_name), first_day, last_day):
        yield Slot(rule.desk_id, rule.adviser_id, rule.id, _utc(start), _utc(end), rule.seats, rule.mode,
                   rule.seats)


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

    ``appointments`` are ``(adviser_id, desk_id, starts_at, ends_at)`` tuples (aware UTC);
    they are kept as epoch seconds, sorted per adviser, and searched with bisect.
    """

    def __init__(self, appointments):
        by_adviser = {}
        for adviser_id, desk_id, starts_at, ends_at in appointments:
            by_adviser.setdefault(adviser_id, []).append(
                (int(starts_at.timestamp()), int(ends_at.timestamp()), desk_id))
        self._items, self._starts, self._longest = {}, {}, {}
        for adviser_id, items in by_adviser.items():
            items.sort()
            self._items[adviser_id] = items
            self._starts[adviser_id] = [i[0] for i in items]
            self._longest[adviser_id] = max(i[1] - i[0] for i in items)

    def seats_left(self, adviser_id, desk_id, start, end, seats):
        """Seats still free in the slot ``[start, end)`` (epoch seconds) at ``desk_id``.

        Each appointment of exactly this slot at this desk takes a seat; any other
        overlapping appointment of the adviser (another desk, another slot length) means
        the adviser is busy, so nothing is free.
        """
        items = self._items.get(adviser_id)
        if not items:
            return seats
        i = bisect_left(self._starts[adviser_id], start - self._longest[adviser_id])
        taken = 0
        while i < len(items) and items[i][0] < end:
            other_start, other_end, other_desk = items[i]
            if other_end > start:
                if other_desk != desk_id or other_start != start or other_end != end:
                    return 0
                taken += 1
            i += 1
        return max(seats - taken, 0)


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
    Slots on an absent day of the adviser (a local date of the desk) and slots without a
    free seat are left out.
    """
    busy = BusyIndex(appointments)
    away = absent_days(absences)
    free = []
    for rule in rules:
        tz_name = desk_zones[rule.desk_id]
        first_day, last_day = local_dates(starts_at, ends_at, tz_name)
        lower = int(max(starts_at, (earliest or {}).get(rule.desk_id, starts_at)).timestamp())
        upper = int(min(ends_at, (latest_by_desk or {}).get(rule.desk_id, ends_at)).timestamp())
        desk_id, adviser_id, seats = rule.desk_id, rule.adviser_id, rule.seats
        for _day, start, end in _rule_intervals(rule, zone(tz_name), first_day, last_day,
                                                away.get(adviser_id, ())):
            if start < lower or start >= upper:
                continue
            left = busy.seats_left(adviser_id, desk_id, start, end, seats)
            if left > 0:
                free.append((start, adviser_id, desk_id, end, rule.id, seats, rule.mode, left))
    free.sort()
    return [Slot(desk_id, adviser_id, rule_id, _utc(start), _utc(end), seats, mode, left)
            for start, adviser_id, desk_id, end, rule_id, seats, mode, left in free]

