"""Czech, Polish and Slovenian count in three or four forms: 1, 2, 5 and 22 must each pick
the right one. Checked with the catalogues' own ``Plural-Forms`` (as gettext uses them at run
time) against the forms the languages' grammar asks for, on messages the pages show."""
import gettext
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def _po(locale):
    return ROOT / locale / "LC_MESSAGES" / "messages.po"

#: n -> index of msgstr[] that a native writer uses: cs/pl one, few (2-4, in pl also 22-24),
#: many; sl one (1, 101), two (2, 102), few (3-4), other (5, 22: "22 dni", not the dual).
EXPECTED = {
    "cs": {"nplurals": 3, 1: 0, 2: 1, 5: 2, 22: 2},
    "pl": {"nplurals": 3, 1: 0, 2: 1, 5: 2, 22: 1},
    "sl": {"nplurals": 4, 1: 0, 2: 1, 5: 3, 22: 3},
}
#: Messages with a number that the pages show (booking lengths, seats, sessions).
MESSAGES = [("%(num)d day", "%(num)d days"), ("%(num)d seat left", "%(num)d seats left"),
            ("%(num)d session", "%(num)d sessions")]


def _catalogue(locale):
    with _po(locale).open("rb") as f:
        return read_po(f, locale=locale)


def _translations(catalogue):
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@pytest.mark.parametrize("locale", sorted(EXPECTED))
def test_the_catalogue_declares_the_languages_plural_forms(locale):
    catalogue = _catalogue(locale)
    assert catalogue.num_plurals == EXPECTED[locale]["nplurals"]
    rule = gettext.c2py(catalogue.plural_expr)
    assert {n: rule(n) for n in (1, 2, 5, 22)} == {n: EXPECTED[locale][n] for n in (1, 2, 5, 22)}


@pytest.mark.parametrize("locale", sorted(EXPECTED))
@pytest.mark.parametrize("singular, plural", MESSAGES)
@pytest.mark.parametrize("n", [1, 2, 5, 22])
def test_a_count_picks_the_right_form(locale, singular, plural, n):
    catalogue = _catalogue(locale)
    entry = catalogue.get((singular, plural))
    assert entry is not None, f"{singular!r} is not in the {locale} catalogue"
    forms = list(entry.string)
    assert len(forms) == EXPECTED[locale]["nplurals"] and all(forms), f"{locale}: untranslated forms {forms}"
    if singular == "%(num)d day":  # a word every one of these languages inflects: 1 den, 5 dní
        assert forms[0] != forms[-1], forms
    shown = _translations(catalogue).ngettext(singular, plural, n) % {"num": n}
    assert shown == forms[EXPECTED[locale][n]] % {"num": n}
    assert str(n) in shown
