"""The profile rules as plain functions (no database; messages in the request's language):
what a tag is, the bounds of every field, and the text the search looks in. Services call
:func:`clean_profile` before any write; the API schema and the form only check shapes.
"""
import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import ngettext

from .models import KINDS

HEADLINE_MAX = 160
ABOUT_MAX = 4000
OFFERS_MAX = NEEDS_MAX = 2000
REGION_MAX = 80
TAG_MIN, TAG_MAX = 2, 40
MAX_TAGS = 20
MAX_LANGUAGES = 10
MESSAGE_SUBJECT_MAX = 160
MESSAGE_MAX = 4000

_SPACES = re.compile(r"\s+")
_TAG_CHARS = re.compile(r"^[\w .&+/'#-]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def normalise_tag(value):
    """``"  Video   Production "`` -> ``"video production"``: NFKC, one space, lower case."""
    value = unicodedata.normalize("NFKC", str(value or ""))
    return _SPACES.sub(" ", value).strip().lstrip("#").strip().lower()


def normalise_text(value):
    """Trimmed text with Windows line ends made plain."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def search_key(value):
    """How the search compares text: NFKC, case-folded, one space between words."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value or "")).casefold()).strip()


def _tags(values, limit, errors, name, check):
    if values is None:
        values = []
    if isinstance(values, str):
        values = values.split(",")
    cleaned = []
    for raw in values:
        tag = normalise_tag(raw)
        if not tag:
            continue
        problem = check(tag)
        if problem:
            errors.setdefault(name, []).append(problem)
            continue
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > limit:
        errors.setdefault(name, []).append(ngettext("At most %(num)d entry.", "At most %(num)d entries.", limit))
    return cleaned


def _check_tag(tag):
    shown = tag[:TAG_MAX + 10]
    if not TAG_MIN <= len(tag) <= TAG_MAX:
        return _("“%(tag)s”: a tag has %(min)d to %(max)d characters.", tag=shown, min=TAG_MIN, max=TAG_MAX)
    if not _TAG_CHARS.match(tag) or _CONTROL.search(tag):
        return _("“%(tag)s”: use letters, digits, spaces and - + & . / ' # only.", tag=shown)
    return None


def _check_language(tag):
    if not _LANGUAGE.match(tag):
        return _("“%(tag)s”: give a language as its two- or three-letter code (de, en, pl …).", tag=tag[:20])
    return None


def clean_profile(*, kind, headline, about="", skills=(), sectors=(), region="", languages=(), offers="",
                  needs="", visible=False):
    """The profile's fields normalised, or ``(None, errors)`` with messages per field.

    Returns ``(fields, {})`` when everything is valid.
    """
    errors = {}
    texts = {"headline": (headline, HEADLINE_MAX), "about": (about, ABOUT_MAX), "offers": (offers, OFFERS_MAX),
             "needs": (needs, NEEDS_MAX), "region": (region, REGION_MAX)}
    fields = {}
    for name, (value, limit) in texts.items():
        value = normalise_text(value)
        if name in ("headline", "region"):
            value = _SPACES.sub(" ", value)
        if _CONTROL.search(value.replace("\n", "").replace("\t", "")):
            errors.setdefault(name, []).append(_("This text holds characters that cannot be stored."))
        if len(value) > limit:
            errors.setdefault(name, []).append(
                ngettext("At most %(num)d character.", "At most %(num)d characters.", limit))
        fields[name] = value
    if not fields["headline"]:
        errors.setdefault("headline", []).append(_("Say in one line who you are or what your company does."))
    if kind not in KINDS:
        errors.setdefault("kind", []).append(_("Choose creative, company or other."))
    fields["kind"] = kind
    fields["skills"] = _tags(skills, MAX_TAGS, errors, "skills", _check_tag)
    fields["sectors"] = _tags(sectors, MAX_TAGS, errors, "sectors", _check_tag)
    fields["languages"] = _tags(languages, MAX_LANGUAGES, errors, "languages", _check_language)
    fields["visible"] = bool(visible)
    if errors:
        return None, errors
    return fields, {}


def search_text(fields):
    """What the directory's free-text search looks in, case-folded."""
    parts = [fields["headline"], fields["about"], fields["offers"], fields["needs"], fields["region"],
             " ".join(fields["skills"]), " ".join(fields["sectors"])]
    return "\n".join(search_key(p) for p in parts if p)


def like_pattern(words):
    """``%word%`` for LIKE with ``\\`` as the escape character."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def not_found_message():
    return _("There is no such profile.")


def no_message_message():
    return _("There is no such message.")
