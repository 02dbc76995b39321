"""Build VCALENDAR documents that Google Calendar, Outlook, Apple Calendar and Thunderbird accept.

Rules (ARCHITECTURE.md): stable UIDs; SEQUENCE grows with every change of time, place or
status; cancelled items stay with STATUS:CANCELLED; every TZID used has its VTIMEZONE;
all-day items are DATE values with an exclusive DTEND.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from ..core.timeutil import zone

PRODID = "-//InduCCI//inducci-events//EN"
UID_DOMAIN = "inducci-events"


def make_uid(kind, pk):
    """The UID of an item for ever: ``<kind>-<id>@inducci-events`` (never reused)."""
    return f"{kind}-{pk}@{UID_DOMAIN}"


def latest(*stamps):
    """The latest of the given times, ignoring ``None`` (``None`` if there is none)."""
    stamps = [s for s in stamps if s is not None]
    return max(stamps) if stamps else None


@dataclass(frozen=True)
class FeedItem:
    uid: str
    summary: str
    start: datetime | date  # aware UTC datetime, or a date for all-day items
    end: datetime | date  # exclusive
    sequence: int
    last_modified: datetime  # aware UTC
    tz: str | None = None  # IANA zone the item is shown in (timed items)
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    location: str = ""
    description: str = ""
    url: str = ""
    transparent: bool = False  # TRANSP:TRANSPARENT (does not block time)

    @property
    def all_day(self):
        return not isinstance(self.start, datetime)


@lru_cache(maxsize=256)
def _vtimezone(tzid, first_year, last_year):
    """A VTIMEZONE serialised by icalendar, for the years the items need."""
    return Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)).to_ical()


@lru_cache(maxsize=100_000)
def _event_ical(item):
    """The VEVENT of ``item`` as icalendar serialises it. Items are immutable values that
    carry their SEQUENCE and LAST-MODIFIED, so a changed item is a new cache key; feeds that
    clients poll again and again re-serialise only what changed."""
    return _event(item).to_ical()


def _event(item):
    event = Event()
    event.add("uid", item.uid)
    # DTSTAMP = when this revision was made: keeps the document stable for ETags.
    event.add("dtstamp", item.last_modified.astimezone(timezone.utc))
    event.add("last-modified", item.last_modified.astimezone(timezone.utc))
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    if item.all_day:
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
    else:
        tz = zone(item.tz) if item.tz else timezone.utc
        event.add("dtstart", item.start.astimezone(tz))
        event.add("dtend", item.end.astimezone(tz))
    event.add("status", item.status)
    event.add("transp", "TRANSPARENT" if item.transparent or item.status == "CANCELLED" else "OPAQUE")
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    return event


#: How often clients should fetch a feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)


def build_calendar(name, items, *, method="PUBLISH"):
    """A complete VCALENDAR (bytes) for ``items``.

    ``method`` is ``PUBLISH`` for feeds and downloads, ``REQUEST``/``CANCEL`` for mail
    attachments (RFC 5546).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    years = {}
    for item in items:
        if item.tz and not item.all_day:
            low, high = years.get(item.tz, (item.start.year, item.end.year))
            years[item.tz] = (min(low, item.start.year), max(high, item.end.year))
    # Every component is serialised by icalendar; the calendar's own lines come first, then
    # each TZID's VTIMEZONE, then the events, inside BEGIN/END:VCALENDAR.
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    parts = [head[:-len(end)]]
    parts.extend(_vtimezone(tzid, years[tzid][0] - 1, years[tzid][1] + 1) for tzid in sorted(years))
    parts.extend(_event_ical(item) for item in items)
    parts.append(end)
    return b"".join(parts)

