"""No user-facing text in a template escapes translation: text between tags and the
attributes people read (title, placeholder, aria-label, alt, value of buttons) must come
from ``_()``/``ngettext``/``pgettext`` or ``{% trans %}``.

A pragmatic check, not a parser: Jinja comments, ``{% trans %}`` blocks, expressions and
statements are removed, then HTML tags (keeping the readable attributes' values); whatever
still holds a word is reported, unless it is on the allow-list (brand names, symbols)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "templates"

#: Not translated on purpose: names of products and formats.
ALLOWED = ("Google Calendar", "Apple Calendar", "Outlook", "Thunderbird", "InduCCI", "iCal", "webcal",
           "OpenAPI", "JSON", "UTC", "CSV", "ICS")
#: Swagger UI's page holds no text of ours (its labels are the tool's own).
SKIPPED = {"api/docs.html"}

_COMMENT = re.compile(r"{#.*?#}", re.S)
_TRANS = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
_EXPRESSION = re.compile(r"{{.*?}}", re.S)
_STATEMENT = re.compile(r"{%.*?%}", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_READ_ATTRIBUTES = re.compile(r"""\b(?:title|placeholder|aria-label|alt)\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[#\w]+;")
_WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated(text):
    """The pieces of readable text in a template's source that are not marked for translation."""
    text = _COMMENT.sub(" ", text)
    text = _TRANS.sub(" ", text)
    text = _EXPRESSION.sub(" ", text)
    text = _STATEMENT.sub(" ", text)
    text = _SCRIPT.sub(" ", text)
    found = [value for _quote, value in _READ_ATTRIBUTES.findall(text)]
    text = _ENTITY.sub(" ", _TAG.sub("\n", text))
    found += [line.strip() for line in text.splitlines()]
    return [piece for piece in found if _WORD.search(re.sub("|".join(ALLOWED), " ", piece))]


def test_the_check_finds_plain_text_and_passes_marked_text():
    assert untranslated("<p>Hello there</p>") == ["Hello there"]
    assert untranslated('<input placeholder="Your name">') == ["Your name"]
    assert untranslated("<p>{{ _('Hello there') }} · InduCCI</p>{# a note #}") == []
    assert untranslated("{% trans count=n %}{{ count }} seat{% pluralize %}{{ count }} seats{% endtrans %}") == []


def test_every_template_marks_its_text_for_translation():
    offending = []
    for path in sorted(ROOT.rglob("*")):
        name = str(path.relative_to(ROOT))
        if path.suffix not in (".html", ".txt") or name in SKIPPED:
            continue
        offending += [f"{name}: {piece!r}" for piece in untranslated(path.read_text())]
    assert offending == [], "mark these for translation (or allow-list a name):\n" + "\n".join(offending)
