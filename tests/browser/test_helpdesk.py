"""A creative books a slot at a Padova desk in a real browser; the adviser's agenda shows it."""
import pytest

from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _log_in(page, live_server, email):
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def test_a_creative_books_a_padova_slot_and_the_adviser_sees_it(page, live_server, make_desk, make_user,
                                                                 screenshot):
    from datetime import date, time, timedelta

    made = make_desk(rule=dict(weekdays=list(range(7)), start_time=time(9), end_time=time(12),
                               valid_from=date.today()))
    adviser_email = made["adviser_user"].email
    creative = make_user(name="Giulia Rossi")

    _log_in(page, live_server, creative.email)
    page.get_by_role("link", name="Help desks").click()
    page.get_by_role("link", name="CCI help-desk Padova").click()
    assert page.get_by_text("shown in Europe/Rome").is_visible()
    page.get_by_role("link", name="Next week").click()  # well beyond the lead time
    first_slot = page.locator("a.slot").first
    slot_text = first_slot.inner_text()
    first_slot.click()
    page.get_by_label("Topic").select_option("crowdfunding")
    page.get_by_label("What do you need?").fill("A crowdfunding campaign for my ceramics studio")
    page.get_by_role("button", name="Book").click()
    assert page.get_by_text("Your appointment is booked.").is_visible()
    row = page.get_by_test_id("my-appointment").first
    assert "crowdfunding" in row.inner_text() and slot_text.split("–")[0] in row.inner_text()
    screenshot("helpdesk-my-appointments")

    page.get_by_role("button", name="Log out").click()
    _log_in(page, live_server, adviser_email)
    page.goto(live_server + "/helpdesks/agenda?view=week&day=" + (date.today() + timedelta(days=7)).isoformat())
    agenda = page.get_by_test_id("agenda-row").first.inner_text()
    assert "Giulia Rossi" in agenda and "ceramics studio" in agenda and slot_text.split("–")[0] in agenda
    path = screenshot("helpdesk-agenda")
    assert path.stat().st_size > 10_000
