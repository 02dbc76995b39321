"""The same short journey in each of the seven languages, switched in the header: home, an
event, enrol, my enrolments, the calendar page. No English interface text may be left on
those pages (names and content, which organisers and people write, excepted).

English text is found by the English catalogue itself: every message's literal parts of four
words or more (placeholders cut out) are looked for in the page's visible text. For ``en``
the same check must find them, which shows the check sees what it should.
"""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from config import Config
from tests.conftest import PASSWORD
from tests.workshops.conftest import make_event, organiser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
#: Written by people, not by the interface (see the journey's data below).
CONTENT = ("Growth-hacking boot camp", "Module 1", "Tabakfabrik", "Anna Kovač")


def _english_phrases():
    """Literal runs of at least four words from every English message."""
    with (ROOT / "translations" / "messages.pot").open("rb") as f:
        catalogue = read_po(f)
    phrases = set()
    for message in catalogue:
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for part in PLACEHOLDER.split(text or ""):
                part = " ".join(part.split()).strip(" .,:;()–-")
                if len(part.split()) >= 4:
                    phrases.add(part)
    return phrases


ENGLISH = _english_phrases()


def _english_on(page):
    text = " ".join(page.locator("body").inner_text().split())
    for name in CONTENT:
        text = text.replace(name, " ")
    return sorted(phrase for phrase in ENGLISH if phrase in text)


@pytest.mark.parametrize("locale", list(Config.LANGUAGES))
def test_the_journey_shows_no_english_in_any_other_language(
        page, live_server, make_event, make_user, locale, screenshot):
    event = make_event(title="Growth-hacking boot camp", capacity=12, sessions=1)
    participant = make_user(name="Anna Kovač", locale="en")
    found = {}

    page.goto(live_server + "/")
    page.get_by_test_id("language-switch").locator("summary").click()
    page.get_by_role("button", name=Config.LANGUAGES[locale], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", locale)
    found["home"] = _english_on(page)

    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(participant.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)
    # The account's own setting (English) comes before the visitor's cookie: switch again,
    # which keeps the choice in the profile.
    page.get_by_test_id("language-switch").locator("summary").click()
    page.get_by_role("button", name=Config.LANGUAGES[locale], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", locale)
    page.goto(f"{live_server}/events/{event.id}")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    found["event"] = _english_on(page)

    page.locator(f"form[action='/events/{event.id}/enrol'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)
    found["enrolled"] = _english_on(page)
    page.goto(f"{live_server}/my/enrolments")
    expect(page.get_by_test_id("my-enrolment")).to_have_count(1)
    found["my enrolments"] = _english_on(page)
    page.locator("header a[href='/calendar/']").click()
    expect(page).to_have_url(f"{live_server}/calendar/")
    found["calendar"] = _english_on(page)
    screenshot(f"calendar-{locale}")

    if locale == Config.BABEL_DEFAULT_LOCALE:
        assert all(found.values()), f"the check finds no English on an English page: {found}"
    else:
        assert {where: phrases for where, phrases in found.items() if phrases} == {}, (
            f"English left on the {locale} pages")


def test_the_switch_is_remembered_in_the_profile(page, live_server, make_user, app):
    from inducci_events.accounts.models import User
    from inducci_events.extensions import db

    user = make_user(locale="en")
    page.goto(live_server + "/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)
    page.get_by_test_id("language-switch").locator("summary").click()
    page.get_by_role("button", name="Slovenščina", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "sl")
    with app.app_context():
        assert db.session.get(User, user.id).locale == "sl"
    page.context.clear_cookies()  # a new device: the profile still says Slovenian
    page.goto(live_server + "/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "sl")
