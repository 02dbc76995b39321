import email
from email import policy

import pytest
from icalendar import Calendar

from tests.browser.test_workshops import _log_in
from tests.workshops.conftest import make_event, organiser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_an_enrolment_in_the_browser_lands_in_the_demo_mailbox_and_reminders_can_be_turned_off(
        app, page, live_server, make_event, make_user, tmp_path, screenshot):
    folder = tmp_path / "mail"
    app.config.update(MAIL_DELIVER_AFTER_COMMIT=True, MAIL_FOLDER=str(folder))
    make_event(title="Growth-hacking boot camp", capacity=12)
    participant = make_user(name="Anna Kovač")

    _log_in(page, live_server, participant.email)
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Growth-hacking boot camp").click()
    page.get_by_role("button", name="Enrol").click()
    assert page.get_by_text("You are enrolled. See you there!").is_visible()

    [eml] = folder.glob("*-enrolment_confirmed.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Your place is confirmed: Growth-hacking boot camp"
    assert message["To"] == f"Anna Kovač <{participant.email}>"
    [attachment] = list(message.iter_attachments())
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["UID"]).startswith("enrolment-")

    page.goto(live_server + "/profile")
    assert page.get_by_test_id("reminders-state").inner_text() == "Reminders are on."
    page.get_by_role("button", name="Turn reminders off").click()
    assert page.get_by_text("Reminders turned off.").is_visible()
    assert page.get_by_test_id("reminders-state").inner_text() == "Reminders are off."
    assert screenshot("profile-reminders-off").stat().st_size > 10_000
