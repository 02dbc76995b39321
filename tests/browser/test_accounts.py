import pytest

pytestmark = pytest.mark.browser


def test_sign_up_log_in_and_see_the_profile(page, live_server, screenshot):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Name").fill("Lena Maker")
    page.get_by_label("E-mail address").fill("lena@example.org")
    page.get_by_label("Password", exact=True).fill("a long password")
    page.get_by_label("Repeat the password").fill("a long password")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Sign up").click()
    assert page.get_by_test_id("profile-email").inner_text() == "lena@example.org"

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail address").fill("LENA@example.org")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("You are logged in.").is_visible()
    page.get_by_role("link", name="Lena Maker").click()
    assert page.get_by_test_id("profile-email").inner_text() == "lena@example.org"
    path = screenshot("profile")
    assert path.stat().st_size > 10_000


def test_wrong_password_is_shown_next_to_the_field(page, live_server, make_user):
    user = make_user()
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("#password-errors").inner_text() == "The e-mail address or the password is wrong."


def test_a_user_downloads_their_data_and_deletes_their_account(page, live_server, make_user):
    import json
    from pathlib import Path

    from tests.conftest import PASSWORD

    make_user(name="Ida Export", email="ida@example.org")
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill("ida@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("You are logged in.").wait_for()
    page.goto(live_server + "/profile")
    with page.expect_download() as download:
        page.get_by_test_id("your-data").get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "ida@example.org" and data["account"]["name"] == "Ida Export"

    page.get_by_role("link", name="Delete my account…").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that my account").check()
    page.get_by_role("button", name="Erase my account for good").click()
    page.get_by_text("Your account has been erased").wait_for()
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill("ida@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.locator("#password-errors").inner_text() == "The e-mail address or the password is wrong."
