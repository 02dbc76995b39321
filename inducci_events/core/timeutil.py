"""Time zones at the edges: UTC inside, the venue's or desk's wall clock outside.

Columns hold aware UTC (:class:`~inducci_events.core.db.UTCDateTime`). Forms and pages
convert with these helpers, always through :mod:`zoneinfo`, so DST is right.
"""
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import format_date, format_time
from flask_babel import format_datetime as _babel_format_datetime


@lru_cache(maxsize=None)
def _known_zones():
    return frozenset(available_timezones())


def is_valid_timezone(name):
    return bool(name) and name in _known_zones()


def zone(name):
    """The :class:`ZoneInfo` for an IANA name; ``ValueError`` for an unknown one."""
    if not is_valid_timezone(name):
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:  # pragma: no cover - listed but missing
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_to_utc(naive_local, tz_name):
    """Interpret a wall-clock ``naive_local`` in ``tz_name`` and return aware UTC.

    In the repeated hour of an autumn clock change the first occurrence is taken
    (``fold=0``); a time inside the skipped spring hour is moved forward by the gap, as
    :mod:`zoneinfo` does.
    """
    if naive_local.tzinfo is not None:
        raise ValueError("local_to_utc() expects a naive wall-clock datetime")
    aware = naive_local.replace(tzinfo=zone(tz_name))
    # Round-trip to normalise a non-existent (spring-forward) time.
    return aware.astimezone(timezone.utc)


def utc_to_local(aware_utc, tz_name):
    """An aware datetime shown in ``tz_name``."""
    if aware_utc.tzinfo is None:
        raise ValueError("utc_to_local() expects an aware datetime")
    return aware_utc.astimezone(zone(tz_name))


def parse_iso_datetime(text):
    """Parse an ISO 8601 timestamp *with* offset (API input) into aware UTC.

    :raises ValueError: for text that is not such a timestamp (naive ones included).
    """
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("timestamp needs an offset, e.g. 2026-03-10T09:00:00+01:00")
    return value.astimezone(timezone.utc)


def isoformat_local(aware_utc, tz_name):
    """ISO 8601 with the local offset, as the API returns times."""
    return utc_to_local(aware_utc, tz_name).isoformat()


def format_local(aware_utc, tz_name, fmt="medium"):
    """A localised, human rendering of an instant in a venue's zone (for templates).

    ``"medium"``: the date and the hour and minute ("Dec 31, 2026, 9:00 AM" /
    "31.12.2026, 09:00"); ``"time"``: only the hour and minute; any other value is a Babel
    pattern or format name for the whole datetime.
    """
    local = utc_to_local(aware_utc, tz_name).replace(tzinfo=None)
    if fmt == "medium":
        return f"{format_date(local, 'medium')}, {format_time(local, 'short')}"
    if fmt == "time":
        return format_time(local, "short")
    # Babel formats in its own default zone; hand it the local value with the zone set.
    return _babel_format_datetime(local, fmt, rebase=False)
