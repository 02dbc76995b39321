"""Build VCALENDAR documents that every client reads alike: the one document builder.

Google Calendar, Outlook, Apple Calendar, Thunderbird (ical.js), Evolution (libical) and
Python's icalendar and vobject must all read the same instant for every DTSTART/DTEND.
Rules (ARCHITECTURE.md): stable UIDs; SEQUENCE grows with every change a subscriber would
see; cancelled items stay with STATUS:CANCELLED; every TZID used has its VTIMEZONE; all-day
items are DATE values with an exclusive DTEND. Everything, values and escaping included,
is written by the ``icalendar`` package; nothing here writes iCalendar text by hand.
"""
import gc
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parseaddr
from functools import lru_cache

from flask import current_app, g, url_for
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vDuration, vText

from .timeutil import zone

PRODID = "-//InduCCI//inducci-events//EN"
UID_DOMAIN = "inducci-events"
#: How often clients should fetch a feed again (REFRESH-INTERVAL and X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)


def absolute(endpoint, **values):
    """An absolute link (BASE_URL + path), for URL and DESCRIPTION. Remembered in the app
    context, as a feed repeats them (a URL never changes while the app runs); a long-lived
    worker's memo is bounded."""
    memo = g.setdefault("_calendar_urls", {})
    key = (endpoint, tuple(sorted(values.items())))
    if key not in memo:
        if len(memo) >= 20_000:
            memo.clear()
        memo[key] = current_app.config["BASE_URL"] + url_for(endpoint, **values)
    return memo[key]


#: The memo of the feed being built (see :func:`one_build`), ``None`` outside one.
_BUILD = ContextVar("calendar_build", default=None)


@contextmanager
def one_build():
    """The scope of one document's items: one language, one read of the database.

    Item builders share what many items repeat (an event's organiser line, link and
    categories, a venue's LOCATION, a translated label) through :func:`shared`; a feed of
    5,000 sessions then translates "Event" once, not 5,000 times. Open it only where every
    item is built in the same language from rows read in the same request (a feed's
    ``items()``); nothing is kept after it closes, so no worker can serve old text.
    """
    # The items of a big feed stay alive until the document is joined: the collector's
    # passes over them (and over everything else the process holds) cost a quarter of a
    # 5,000-session build and find nothing to free. Reference counting still frees as usual;
    # the collector runs again as soon as the scope closes (any thread re-enables it).
    pause = gc.isenabled()
    if pause:
        gc.disable()
    token = _BUILD.set({})
    try:
        yield
    finally:
        _BUILD.reset(token)
        if pause:
            gc.enable()


def shared(key, compute):
    """``compute()``, once per :func:`one_build` scope for ``key`` (every call outside one).
    ``key`` names the kind of value and the row it is made of, e.g. ``("event", event.id)``."""
    memo = _BUILD.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def place(venue):
    """A venue as LOCATION: its name and one-line address."""
    if venue is None:
        return ""
    return shared(("place", venue.id), lambda: f"{venue.name}, {venue.address}")


def lines(*parts):
    """DESCRIPTION text: the given parts that are not empty, one per line."""
    return "\n".join(p for p in parts if p)


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
    categories: tuple = ()  # e.g. the programme and the kind of item
    organiser: str = ""  # the organisation's name (ORGANIZER of invitations)

    @property
    def all_day(self):
        return not isinstance(self.start, datetime)


# --- time zones ------------------------------------------------------------------------

def _offset_changes(tzid, first, last):
    """``(instant, offset_before, offset_after, name_after, dst_after)`` for every change of
    ``tzid``'s UTC offset or name between ``first`` and ``last`` (dates), from :mod:`zoneinfo`."""
    tz = zone(tzid)
    start = datetime.combine(first, time(0), tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=timezone.utc)

    def state(instant):
        local = instant.astimezone(tz)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    changes = []
    step = timedelta(hours=12)
    low, low_state = start, state(start)
    while low < end:
        high = min(low + step, end)
        high_state = state(high)
        if high_state != low_state:
            a, b = low, high  # invariant: state(a) == low_state != state(b)
            while b - a > timedelta(minutes=1):
                middle = a + (b - a) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= a:
                    middle = a + timedelta(minutes=1)
                if state(middle) == low_state:
                    a = middle
                else:
                    b = middle
            changes.append((b, low_state[0], high_state[0], high_state[1], high_state[2]))
        low, low_state = high, high_state
    return changes


@lru_cache(maxsize=256)
def vtimezone(tzid, first_year, last_year):
    """The VTIMEZONE of ``tzid`` for the given years, serialised by icalendar.

    One observance per kind of change, its onset in DTSTART and every later change as its
    own RDATE property (one date per line): ical.js and vobject read only the first value
    of a multi-valued RDATE. Onsets are local times in the offset *before* the change
    (RFC 5545 3.6.5), so a client lands on the instant zoneinfo gives, also within the
    hour of a change.
    """
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    tz = zone(tzid)
    vtz = Timezone()
    vtz.add("tzid", tzid)
    vtz.add("x-lic-location", tzid)
    opening = datetime.combine(first, time(0), tzinfo=timezone.utc).astimezone(tz)
    initial = TimezoneDaylight() if opening.dst() else TimezoneStandard()
    initial.add("dtstart", datetime.combine(first, time(0)))
    initial.add("tzoffsetfrom", opening.utcoffset())
    initial.add("tzoffsetto", opening.utcoffset())
    initial.add("tzname", opening.tzname())
    vtz.add_component(initial)
    observances = {}
    for instant, before, after, name, dst in _offset_changes(tzid, first, last):
        onset = (instant + before).replace(tzinfo=None)  # wall clock before the change
        key = (before, after, name, dst)
        if key not in observances:
            observance = observances[key] = TimezoneDaylight() if dst else TimezoneStandard()
            observance.add("dtstart", onset)
            observance.add("tzoffsetfrom", before)
            observance.add("tzoffsetto", after)
            observance.add("tzname", name)
            vtz.add_component(observance)
        else:
            observances[key].add("rdate", onset)
    return vtz.to_ical()


# --- events ------------------------------------------------------------------------------

@lru_cache(maxsize=100_000)
def _event_ical(item, organiser_email):
    """The VEVENT of ``item`` as icalendar serialises it. Items are immutable values that
    carry their SEQUENCE and LAST-MODIFIED, so a changed item is a new cache key; feeds that
    clients poll again and again re-serialise only what changed."""
    return _event(item, organiser_email).to_ical()


def _event(item, organiser_email):
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
    if item.categories:
        event.add("categories", list(item.categories))
    # RFC 5546 wants an ORGANIZER on every published item too (libical checks it).
    event.add("organizer", _address(item.organiser or _("InduCCI events"), organiser_email))
    return event


def _address(name, email, **params):
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    address.params.update(params)
    return address


def _invitation_event(item, method, organiser_email, attendee):
    """A VEVENT for a mail attachment (RFC 5546): the organisation as ORGANIZER with the
    sender address, the recipient as ATTENDEE; strict clients (libical) refuse one without."""
    event = _event(item, organiser_email)
    name, email = attendee
    event.add("attendee", _address(name, email, ROLE="REQ-PARTICIPANT", CUTYPE="INDIVIDUAL",
                                   PARTSTAT="DECLINED" if method == "CANCEL" else "ACCEPTED", RSVP="FALSE"))
    return event.to_ical()


@lru_cache(maxsize=20_000)
def _with_alarm(item, alarm, organiser_email):
    """A personal feed's VEVENT with its reminder; cached like :func:`_event_ical` (the
    alarm's lead time is part of the key)."""
    event = _event(item, organiser_email)
    if item.status != "CANCELLED" and not item.all_day:
        valarm = Alarm()
        valarm.add("uid", f"alarm-{item.uid}")
        valarm.add("action", "DISPLAY")
        valarm.add("description", item.summary)
        valarm.add("trigger", -alarm)
        event.add_component(valarm)
    return event.to_ical()


def build_calendar(name, items, *, method="PUBLISH", attendee=None, alarm=None):
    """A complete VCALENDAR (bytes) for ``items``.

    ``method`` is ``PUBLISH`` for feeds and downloads, ``REQUEST``/``CANCEL`` for mail
    attachments (RFC 5546), which then need ``attendee`` (``(name, email)`` of the
    recipient). Every item's ORGANIZER is its organisation at the sender address
    (``MAIL_DEFAULT_SENDER``). ``alarm`` (a timedelta) adds a reminder that long before each
    timed item.
    """
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    organiser_email = parseaddr(sender)[1] or sender
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    years = {}
    for item in items:
        if item.tz and not item.all_day:
            low, high = years.get(item.tz, (item.start.year, item.end.year))
            years[item.tz] = (min(low, item.start.year), max(high, item.end.year))
    if method in ("REQUEST", "CANCEL"):
        if attendee is None:
            raise ValueError("an invitation needs the recipient (ATTENDEE)")
        events = [_invitation_event(item, method, organiser_email, attendee) for item in items]
    elif alarm:
        events = [_with_alarm(item, alarm, organiser_email) for item in items]
    else:
        events = [_event_ical(item, organiser_email) for item in items]
    # Every component is serialised by icalendar; the calendar's own lines come first, then
    # each TZID's VTIMEZONE, then the events, inside BEGIN/END:VCALENDAR.
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    parts = [head[:-len(end)]]
    parts.extend(vtimezone(tzid, years[tzid][0] - 1, years[tzid][1] + 1) for tzid in sorted(years))
    parts.extend(events)
    parts.append(end)
    return b"".join(parts)
