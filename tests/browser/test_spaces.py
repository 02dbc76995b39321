"""In a real browser: a creative requests a shop for five days, the organiser approves it,
the creative sees it confirmed and the calendar shows those days taken."""
import pytest
from babel.dates import format_interval

from tests.conftest import PASSWORD
from tests.spaces.conftest import day, make_listing, make_space_org, space_org  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _log_in(page, live_server, email):
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("You are logged in.").is_visible()


def test_request_approve_and_see_the_days_taken(page, live_server, screenshot, space_org, make_listing, make_user):
    shop = make_listing(title="KRACH+ laboratory shop", opening_hours="Tue-Sat 11:00-19:00")
    creative = make_user(name="Lena Maker")
    offset = 10
    while day(offset).month != day(offset + 5).month:  # keep the five days and the next one in one month
        offset += 1
    first, last = day(offset), day(offset + 4)

    _log_in(page, live_server, creative.email)
    page.get_by_role("link", name="Pop-up spaces").click()
    page.get_by_role("link", name="KRACH+ laboratory shop").click()
    page.get_by_role("link", name="Request this space").click()
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day").fill(last.isoformat())
    page.get_by_label("What do you want to try?").fill("A five-day pop-up for upcycled lamps")
    page.get_by_label("I accept the terms of use").check()
    page.get_by_role("button", name="Send request").click()
    assert page.get_by_text("Your request has been sent.").is_visible()
    assert page.get_by_test_id("booking-status").inner_text() == "requested"
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, space_org.organiser.email)
    page.goto(f"{live_server}/manage/{space_org.org.slug}/spaces/inbox")
    row = page.locator("tr", has_text="Lena Maker")
    assert format_interval(first, last, "yMMMd", locale="en_GB") in row.inner_text()  # "11–15 Dec 2026"
    row.get_by_role("button", name="Approve").click()
    assert page.get_by_text("Approved: Lena Maker has KRACH+ laboratory shop").is_visible()
    assert page.get_by_text("No open requests.").is_visible()
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, creative.email)
    page.goto(live_server + "/spaces/my-bookings")
    assert page.get_by_test_id("booking-status").inner_text() == "confirmed"
    page.get_by_role("link", name="KRACH+ laboratory shop").click()
    if first.month != day(0).month:
        page.get_by_role("link", name="Next month").click()
    for n in range(5):
        cell = page.locator(f'td[data-date="{day(offset + n).isoformat()}"]')
        assert cell.get_by_test_id("day-state").inner_text() == "taken"
    after = page.locator(f'td[data-date="{day(offset + 5).isoformat()}"]')
    assert after.get_by_test_id("day-state").inner_text() == "1 free"
    assert screenshot("space-calendar").stat().st_size > 10_000
