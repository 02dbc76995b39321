"""Time zones at the edges: UTC inside, the venue's or desk's wall clock outside.

Columns hold aware UTC (:class:`~inducci_events.core.db.UTCDateTime`). Forms and pages
convert with these helpers, always through :mod:`zoneinfo`, so DST is right.
"""
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .errors import ValidationFailed

#: The years a date from outside may fall in (query strings, forms, JSON). Far enough for
#: every booking, near enough that adding days or shifting time zones never overflows.
MIN_YEAR, MAX_YEAR = 1900, 2200

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


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

    :raises ValueError: for text that is not such a timestamp (naive ones included), or
        one outside the years :data:`MIN_YEAR` to :data:`MAX_YEAR`.
    """
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("timestamp needs an offset, e.g. 2026-03-10T09:00:00+01:00")
    if not in_year_range(value):
        raise ValueError(f"timestamp outside the years {MIN_YEAR}-{MAX_YEAR}")
    return value.astimezone(timezone.utc)


# --- dates from outside: one bound, one message ---------------------------------------

def in_year_range(value):
    """Whether a date or datetime falls in the years :data:`MIN_YEAR` to :data:`MAX_YEAR`."""
    return MIN_YEAR <= value.year <= MAX_YEAR


def _refuse(name, message):
    raise ValidationFailed(message=message, fields={name: [message]})


def parse_date(text, name, default=None):
    """A ``YYYY-MM-DD`` query value as a :class:`~datetime.date`; ``default`` when empty.

    :raises ValidationFailed: (422) naming ``name``, for text that is not such a date or a
        date outside the years :data:`MIN_YEAR` to :data:`MAX_YEAR`.
    """
    text = (text or "").strip()
    if not text:
        return default
    if _DATE.fullmatch(text) and not MIN_YEAR <= int(text[:4]) <= MAX_YEAR:
        _refuse(name, year_range_message(name))
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        _refuse(name, _l("“%(name)s” must be a date as YYYY-MM-DD.", name=name))


def parse_month(text, name, default=None):
    """A ``YYYY-MM`` query value as the first day of that month; ``default`` when empty.

    :raises ValidationFailed: (422) naming ``name``, as :func:`parse_date`.
    """
    text = (text or "").strip()
    if not text:
        return default
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        _refuse(name, _l("“%(name)s” must be a month as YYYY-MM.", name=name))
    if not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:  # year 0 is no date at all
        _refuse(name, year_range_message(name))
    return date(int(match.group(1)), int(match.group(2)), 1)


def year_range_message(name=None):
    if name:
        return _l("“%(name)s” must be in the years %(min)d to %(max)d.", name=name, min=MIN_YEAR, max=MAX_YEAR)
    return _l("Choose a date in the years %(min)d to %(max)d.", min=MIN_YEAR, max=MAX_YEAR)


def within_years(form, field):
    """WTForms validator for date and datetime fields: the years :data:`MIN_YEAR` to
    :data:`MAX_YEAR` (later arithmetic on the value, like adding a day, cannot overflow)."""
    if field.data is not None and isinstance(field.data, (date, datetime)) and not in_year_range(field.data):
        field.data = None  # nobody downstream computes with it
        raise ValidationError(str(year_range_message()))


def isoformat_local(aware_utc, tz_name):
    """ISO 8601 with the local offset, as the API returns times."""
    return utc_to_local(aware_utc, tz_name).isoformat()


def format_local(aware_utc, tz_name, fmt="medium"):
    """A localised, human rendering of an instant in a venue's zone: the ``|local`` filter,
    see :func:`inducci_events.core.i18n.format_instant` for the formats."""
    from .i18n import format_instant

    return format_instant(aware_utc, tz_name, fmt)
