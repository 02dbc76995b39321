"""Weekday names, read and written in the language of the page (Babel's CLDR data).

People type opening hours as they speak: "Mon-Fri", "Mo-Fr", "Po-Pá", "pon.-pt.", "lun-ven",
"pon-pet", "ma-vr". Names are looked up in the page's language first, then English, then the
other languages of the installation, so that a Czech "So" (Saturday) is not read as the
German "So" (Sunday) on a Czech page. Monday is 0, as in :mod:`datetime`.
"""
from functools import lru_cache

from babel import Locale
from babel.dates import get_day_names
from flask import current_app, has_app_context
from flask_babel import get_locale


def _plain(name):
    return name.strip().rstrip(".").casefold()


@lru_cache(maxsize=None)
def _names(locale):
    found = {}
    for width in ("abbreviated", "wide", "short"):
        for context in ("format", "stand-alone"):
            for weekday, name in get_day_names(width, context, locale=Locale.parse(locale)).items():
                found.setdefault(_plain(name), weekday)
    return found


def _search_order():
    current = str(get_locale() or "en") if has_app_context() else "en"
    others = list(current_app.config["LANGUAGES"]) if has_app_context() else []
    return list(dict.fromkeys([current.split("_")[0], "en", *others]))


def weekday_from_name(name):
    """The weekday (0 = Monday) a day name or abbreviation means, or ``None``."""
    key = _plain(name)
    for locale in _search_order():
        if key in _names(locale):
            return _names(locale)[key]
    return None


def weekday_abbreviation(weekday):
    """The weekday's abbreviated name in the page's language ("Mon", "Mo", "po", "lun")."""
    locale = get_locale() if has_app_context() else Locale.parse("en")
    return get_day_names("abbreviated", locale=locale or Locale.parse("en"))[weekday].rstrip(".")


def weekday_name(weekday):
    """The weekday's full name in the page's language."""
    locale = get_locale() if has_app_context() else Locale.parse("en")
    return get_day_names("wide", context="stand-alone", locale=locale or Locale.parse("en"))[weekday]
