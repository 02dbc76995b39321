"""Forgotten passwords: a one-time link by e-mail, valid for an hour, revealing no addresses."""
import re
from datetime import timedelta

from inducci_events.accounts import links, passwords
from inducci_events.core.db import utcnow
from inducci_events.mail import services as mail
from tests.conftest import PASSWORD
from tests.mail.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture

NEW_PASSWORD = "a brand new password"


def _link_in(message):
    return re.search(r"http://events\.test(/password/reset/\S+)", message.get_body(("plain",)).get_content())[1]


def _ask(browser, email):
    return browser.submit("/password/forgot", {"email": email})


def test_the_mailed_link_sets_a_new_password_once(app, browser, make_user, smtp_server, api):  # noqa: F811
    from tests.conftest import Browser

    user = make_user(email="petra@example.org", name="Petra")
    token = api.token_for(user.email)
    elsewhere = Browser(app.test_client())  # e.g. a thief's browser, logged in with the old password
    elsewhere.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert elsewhere.get("/profile").status_code == 200
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()

    response = _ask(browser, "Petra@Example.org")
    assert response.status_code == 302
    mail.deliver_pending()
    [message] = smtp_server.inbox.messages
    assert message["To"] == "Petra <petra@example.org>" and "new password" in message["Subject"]
    link = _link_in(message)

    opened = browser.get(link)
    assert opened.status_code == 302 and opened.location == "/password/reset"  # the token leaves the URL
    page = browser.get("/password/reset")
    assert page.status_code == 200 and "Set a new password" in page.get_data(as_text=True)
    assert browser.submit("/password/reset", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    browser.login(user.email, NEW_PASSWORD)
    assert api.get("/api/v1/me", token=token).status_code == 401  # the old API token is dead
    assert elsewhere.get("/profile").status_code == 302  # and so is the other browser's session

    used = browser.get(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or has already been used" in used


def test_unknown_addresses_get_the_same_answer_and_no_mail(browser, make_user, smtp_server):  # noqa: F811
    make_user(email="known@example.org")
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()
    known = _ask(browser, "known@example.org")
    unknown = _ask(browser, "nobody@example.org")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    flashed = browser.get(known.location).get_data(as_text=True)
    assert "If an account uses this address" in flashed
    mail.deliver_pending()
    assert [m["To"] for m in smtp_server.inbox.messages] == ["User 1 <known@example.org>"]


def test_a_link_expires_after_an_hour(app, make_user, browser, monkeypatch):
    user = make_user()
    with app.test_request_context():
        link = passwords.reset_link(user)
    path = link.removeprefix("http://events.test")
    later = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(links, "utcnow", lambda: later)
    response = browser.get(path, follow_redirects=True)
    assert "expired or has already been used" in response.get_data(as_text=True)
    browser.login(user.email, PASSWORD)  # unchanged


def test_forged_tokens_and_short_passwords_are_refused(app, browser, make_user):
    user = make_user()
    forged = browser.get("/password/reset/not-a-token", follow_redirects=True).get_data(as_text=True)
    assert "expired or has already been used" in forged
    with app.test_request_context():
        link = passwords.reset_link(user)
    browser.get(link.removeprefix("http://events.test"))
    response = browser.submit("/password/reset", {"password": "short", "confirm": "short"})
    assert response.status_code == 422 and "at least" in response.get_data(as_text=True)
    browser.login(user.email, PASSWORD)


def test_the_command_line_prints_a_working_link(runner, make_user, browser):
    user = make_user(email="locked.out@example.org")
    result = runner.invoke(args=["users", "reset-link", "LOCKED.OUT@example.org"])
    assert result.exit_code == 0
    browser.get(result.output.strip().removeprefix("http://events.test"))
    assert browser.submit("/password/reset", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    browser.login(user.email, NEW_PASSWORD)
    missing = runner.invoke(args=["users", "reset-link", "nobody@example.org"])
    assert missing.exit_code != 0 and "No account" in missing.output
