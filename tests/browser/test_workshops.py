import pytest

from tests.conftest import PASSWORD
from tests.workshops.conftest import make_event, organiser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

ELIGIBILITY = "Founded in the last 5 years or opening a new business line?"


def _log_in(page, live_server, email):
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("You are logged in.").is_visible()


def test_participant_enrols_in_the_boot_camp_and_the_organiser_sees_them(
        page, live_server, make_event, make_user, organiser, screenshot):
    event = make_event(title="Growth-hacking boot camp", capacity=12, min_participants=8, sessions=5,
                       questions=[dict(kind="yesno", label=ELIGIBILITY, required=True)])
    participant = make_user(name="Anna Kovač")

    _log_in(page, live_server, participant.email)
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Growth-hacking boot camp").click()
    assert page.get_by_test_id("session").count() == 5
    page.get_by_role("button", name="Enrol").click()
    assert page.get_by_text("This question needs an answer.").is_visible()  # nothing sent without it
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Enrol").click()
    assert page.get_by_text("You are enrolled. See you there!").is_visible()
    assert page.get_by_test_id("seats-left").inner_text() == "11 / 12"
    page.goto(live_server + "/my/enrolments")
    row = page.get_by_test_id("my-enrolment")
    assert "Growth-hacking boot camp" in row.inner_text() and "confirmed" in row.inner_text()
    screenshot("my-enrolments")
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, organiser[0].email)
    page.goto(f"{live_server}/manage/{organiser[1].slug}/")
    page.get_by_role("link", name="Events and workshop series").click()
    assert "7 more participants needed" in page.get_by_test_id("organiser-event").inner_text()
    page.get_by_role("link", name="Growth-hacking boot camp").click()
    participant_row = page.get_by_test_id("participant")
    assert "Anna Kovač" in participant_row.inner_text() and "yes" in participant_row.inner_text()
    participant_row.get_by_role("button", name="Check in").first.click()
    assert "1 of 5" in page.get_by_test_id("participant").inner_text()
    assert screenshot("participants").stat().st_size > 10_000
