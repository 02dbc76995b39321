"""Languages and human formats: which language a request gets, and how dates, times and
numbers read in it. The Jinja filters for every template and mail text live here.

Choosing the language (``choose_locale``): the user's profile, then the visitor's
language cookie (pages only: the API answers by profile or ``Accept-Language``, as
``shared/API.md`` says), then ``Accept-Language``, then the default.

Formatting: every date, time and number goes through Babel in the request's language,
with times on a 24-hour clock. The interface language ``en`` is formatted as British
English (``en_GB``: "1 Dec 2026, 14:00"), not Babel's US default ("Dec 1, 2026, 2:00 PM").
This mapping is done here, by passing an explicit locale to Babel, rather than by a locale
selector that returns ``en_GB``: the language a user picks, stores in the profile, sees in
``<html lang>`` and gets the catalogue of stays ``en``, and the mapping also holds inside
``force_locale`` (mails in the recipient's language), because it starts from
:func:`flask_babel.get_locale` whatever set it.
"""
from datetime import date, datetime, time

from babel import Locale
from babel.dates import format_date, format_datetime, format_interval, format_skeleton, format_time
from babel.numbers import format_decimal
from flask_babel import get_locale

#: Interface language -> the locale its dates, times and numbers are formatted in.
FORMAT_LOCALES = {"en": "en_GB"}

#: Named formats for days (``|day(name)``) besides Babel's short, medium, long and full.
DAY_SKELETONS = {
    "weekday": "MMMEd",             # Tue 1 Dec
    "weekday_year": "yMMMEd",       # Tue, 1 Dec 2026
}

#: Named formats for instants (``|local(tz, name)``): the day as a Babel skeleton (each
#: locale puts the parts in its own order and words, or ``None`` for none) joined to the
#: time of day in the locale's way. ``Hm`` is the 24-hour clock in every locale.
INSTANT_FORMATS = {
    "time": None,                   # 14:00
    "short": "MMMEd",               # Tue 1 Dec, 14:00
    "day_time": "yMMMEd",           # Tue, 1 Dec 2026, 14:00
    "long": "yMMMMEEEEd",           # Tuesday 1 December 2026, 14:00
}


def choose_locale(languages, default, *, profile=None, cookie=None, accept_languages=None):
    """The interface language for a request: ``profile`` (a logged-in user's setting), then
    ``cookie`` (a visitor's choice), then the best match in ``accept_languages`` (a
    :class:`werkzeug.datastructures.LanguageAccept`), then ``default``. Values that are not
    in ``languages`` are passed over."""
    for choice in (profile, cookie):
        if choice in languages:
            return choice
    if accept_languages is not None:
        match = accept_languages.best_match(languages)
        if match:
            return match
    return default


def format_locale(locale=None):
    """The Babel locale that dates, times and numbers are written in for ``locale``
    (default: the current one)."""
    code = str(locale or get_locale() or "en")
    return Locale.parse(FORMAT_LOCALES.get(code, code))


# --- filters ---------------------------------------------------------------------------

def format_instant(aware_utc, tz_name, fmt="medium"):
    """An instant on the wall clock of ``tz_name`` (``|local(tz)``).

    ``"medium"`` (default): the date and the time, "1 Dec 2026, 14:00" / "01.12.2026, 14:00";
    ``"time"``: "14:00"; ``"short"``: weekday, day and month with the time; ``"day_time"``: the
    same with the year; ``"long"``: everything spelled out; ``"date"``: only the day. Any
    other value is taken as a Babel pattern (prefer a named format: patterns fix the order).
    """
    from .timeutil import utc_to_local

    if aware_utc is None:
        return ""
    local = utc_to_local(aware_utc, tz_name)
    locale = format_locale()
    if fmt == "date":
        return format_date(local, "medium", locale=locale)
    if fmt == "medium" or fmt in INSTANT_FORMATS:
        clock = format_time(local, _clock_pattern(locale), tzinfo=local.tzinfo, locale=locale)
        skeleton = INSTANT_FORMATS.get(fmt, "")
        if skeleton is None:
            return clock
        day = (format_date(local, "medium", locale=locale) if fmt == "medium"
               else format_skeleton(skeleton, local, tzinfo=local.tzinfo, locale=locale))
        return locale.datetime_formats["medium"].format(clock, day).replace("'", "")
    return format_datetime(local, fmt, tzinfo=local.tzinfo, locale=locale)


def _clock_pattern(locale):
    """The locale's 24-hour pattern for hours and minutes ("HH:mm", "H:mm")."""
    return locale.datetime_skeletons.get("Hm") or "HH:mm"


def format_day(value, fmt="medium"):
    """A calendar day (``|day``): "1 Dec 2026", "01.12.2026", "1. 12. 2026"; ``fmt`` is a
    Babel format name (``short``, ``medium``, ``long``, ``full``) or one of
    :data:`DAY_SKELETONS`. Aware datetimes give their UTC day; use ``|local(tz, 'date')``
    for a venue's day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if fmt in DAY_SKELETONS:
        return format_skeleton(DAY_SKELETONS[fmt], value, locale=format_locale())
    return format_date(value, fmt, locale=format_locale())


def format_days(first, last):
    """A range of whole days, both included (``first|days(last)``): "1–5 Dec 2026"."""
    if last is None or last == first:
        return format_day(first)
    return format_interval(first, last, "yMMMd", locale=format_locale())


def format_month(value, width="long"):
    """A month heading (``|month``): "December 2026", "Dezember 2026", "prosinec 2026", from
    a date or a ``YYYY-MM`` key; ``width="short"`` for chart labels: "Dec 2026"."""
    if isinstance(value, str):
        value = date(int(value[:4]), int(value[5:7]), 1)
    if isinstance(value, datetime):
        value = value.date()
    return format_skeleton("yMMMM" if width == "long" else "yMMM", value, locale=format_locale())


def format_clock(value):
    """A time of day (``|clock``), on the 24-hour clock: "07:00", "7:00" (cs)."""
    if value is None:
        return ""
    if isinstance(value, time):
        value = datetime.combine(date(2000, 1, 3), value)  # any day: only the clock is shown
    locale = format_locale()
    return format_time(value, _clock_pattern(locale), locale=locale)


def format_number(value, fmt=None):
    """A number with the locale's separators (``|number``): "1,234.5" / "1.234,5"."""
    if value is None:
        return ""
    return format_decimal(value, fmt, locale=format_locale())


def init_app(app):
    """Register the filters (one place, for pages and mails alike)."""
    app.jinja_env.filters.update(
        local=format_instant, day=format_day, days=format_days, month=format_month,
        clock=format_clock, number=format_number,
    )
