"""In a real browser: a site admin sets up a partner, a user recovers a forgotten password
and changes their e-mail address."""
import re

import pytest

from inducci_events.mail import services as mail
from tests.conftest import PASSWORD
from tests.mail.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture

pytestmark = pytest.mark.browser


def _log_in(page, live_server, email, password=PASSWORD):
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("You are logged in.").is_visible()


def _mailed_link(smtp_server, to, live_server):  # noqa: F811
    """The link in the newest message to ``to`` that carries one (the welcome message does not)."""
    mail.deliver_pending()
    links = [re.search(r"http://events\.test(/(?:password|profile)/\S+)", m.get_body(("plain",)).get_content())
             for m in smtp_server.inbox.messages if to in m["To"]]
    return live_server + [link for link in links if link][-1][1]


def test_an_admin_creates_a_partner_and_its_organiser_starts_work(page, live_server, make_user):
    make_user(email="admin@example.org", name="Site Admin", admin=True)
    make_user(email="iris@example.org", name="Iris Tal")
    _log_in(page, live_server, "admin@example.org")

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="New organisation").click()
    page.get_by_label("Short address").fill("linz")
    page.get_by_label("Name", exact=True).fill("Business Upper Austria")
    page.get_by_label("Region").fill("Linz")
    page.get_by_label("Country code").fill("AT")
    page.get_by_label("Time zone").fill("Europe/Vienna")
    page.get_by_label("Default language").select_option("de")
    page.get_by_label("InduCCI partner").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The organisation has been saved.").is_visible()

    page.get_by_label("E-mail address of an existing account").fill("IRIS@example.org")
    page.get_by_label("Role").select_option("organiser")
    page.get_by_role("button", name="Add").click()
    assert page.get_by_text("now has the role").is_visible()
    assert page.get_by_role("cell", name="Iris Tal").is_visible()
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, "iris@example.org")
    page.goto(live_server + "/manage/linz")
    assert page.get_by_role("heading", name=re.compile("Business Upper Austria")).first.is_visible()


def test_a_forgotten_password_is_reset_from_the_mailed_link(page, live_server, make_user, smtp_server):  # noqa: F811
    make_user(email="petra@example.org", name="Petra")
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill("petra@example.org")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_text("we have sent it a link").is_visible()

    page.goto(_mailed_link(smtp_server, "petra@example.org", live_server))
    assert page.url.endswith("/password/reset")  # the token has left the address bar
    page.get_by_label("New password").fill("a brand new password")
    page.get_by_label("Repeat").fill("a brand new password")
    page.get_by_role("button", name="Save the new password").click()
    assert page.get_by_text("Your new password is set").is_visible()
    _log_in(page, live_server, "petra@example.org", "a brand new password")


def test_a_new_e_mail_address_counts_once_the_link_sent_to_it_is_opened(page, live_server, make_user,
                                                                         smtp_server):  # noqa: F811
    make_user(email="ana@example.org", name="Ana")
    _log_in(page, live_server, "ana@example.org")
    page.get_by_role("link", name="Ana").click()
    page.get_by_label("E-mail address", exact=True).fill("ana.new@example.org")
    page.get_by_label("Current password", exact=False).fill(PASSWORD)
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("We have sent a link to ana.new@example.org").is_visible()
    assert page.get_by_test_id("profile-email").inner_text() == "ana@example.org"

    page.goto(_mailed_link(smtp_server, "ana.new@example.org", live_server))
    page.get_by_role("button", name="Use this address").click()
    assert page.get_by_text("Your e-mail address is now ana.new@example.org").is_visible()
    assert page.get_by_test_id("profile-email").inner_text() == "ana.new@example.org"
