"""Every text the app shows is translated: the catalogues hold every message in the source,
translated (all plural forms) and with the same placeholders as the original."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from config import Config

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "--quiet", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return {(message.context, message.id): message for message in read_po(f) if message.id}


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


@pytest.mark.parametrize("locale", sorted(Config.LANGUAGES))
def test_every_message_is_in_the_catalogue_and_translated(source_messages, locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f, locale=locale)
    missing, untranslated, fuzzy, broken = [], [], [], []
    for (context, msgid), source in source_messages.items():
        entry = catalogue.get(msgid, context=context)
        if entry is None:
            missing.append(msgid)
            continue
        if entry.fuzzy:
            fuzzy.append(msgid)
        if locale == Config.BABEL_DEFAULT_LOCALE:
            continue  # the source language: an empty translation shows the original
        strings = list(entry.string) if isinstance(entry.string, tuple) else [entry.string]
        if not all(strings):
            untranslated.append(msgid)
            continue
        originals = list(msgid) if isinstance(msgid, tuple) else [msgid]
        if any(_placeholders(s) != _placeholders(originals[-1]) and _placeholders(s) != _placeholders(originals[0])
               for s in strings):
            broken.append(msgid)
    assert (missing, untranslated, fuzzy, broken) == ([], [], [], []), (
        "run `make extract-messages` and translate: missing, untranslated, fuzzy, placeholders differ")
