"""Changing one's e-mail address: confirmed by the link sent to the new address."""
import re
from datetime import timedelta

from inducci_events.accounts import links
from inducci_events.accounts.models import User
from inducci_events.core.db import utcnow
from inducci_events.extensions import db
from inducci_events.mail import services as mail
from tests.conftest import PASSWORD, Browser
from tests.mail.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture


def _ask(browser, email, password=PASSWORD):
    return browser.submit("/profile", {"name": "Ana", "locale": "en", "email": email, "current_password": password})


def _delivered(smtp_server):  # noqa: F811
    mail.deliver_pending()
    messages = {m["To"]: m for m in smtp_server.inbox.messages}
    smtp_server.inbox.messages.clear()
    return messages


def _link_in(message):
    return re.search(r"http://events\.test(/profile/email/\S+)", message.get_body(("plain",)).get_content())[1]


def _email_of(user):
    db.session.expire_all()
    return db.session.get(User, user.id).email


def test_the_address_changes_when_the_link_sent_to_it_is_opened_once(app, browser, make_user, smtp_server):  # noqa: F811
    user = make_user(email="ana@example.org", name="Ana")
    browser.login(user.email)
    _delivered(smtp_server)

    assert _ask(browser, "Ana.New@Example.org").status_code == 302
    messages = _delivered(smtp_server)
    assert set(messages) == {"Ana <ana.new@example.org>", "Ana <ana@example.org>"}
    assert "about to change" in messages["Ana <ana@example.org>"]["Subject"]  # the old address is told
    assert "ana.new@example.org" in messages["Ana <ana@example.org>"].get_body(("plain",)).get_content()
    assert _email_of(user) == "ana@example.org"

    link = _link_in(messages["Ana <ana.new@example.org>"])
    reader = Browser(app.test_client())  # opened in the mail app's browser, not logged in
    opened = reader.get(link)
    assert opened.status_code == 302 and opened.location == "/profile/email"  # the token leaves the URL
    page = reader.get("/profile/email").get_data(as_text=True)
    assert "ana.new@example.org" in page and "Use this address" in page
    assert _email_of(user) == "ana@example.org"  # looking changes nothing (mail scanners follow links)
    assert reader.submit("/profile/email", {}).status_code == 302
    assert _email_of(user) == "ana.new@example.org"
    assert Browser(app.test_client()).login("ana.new@example.org").status_code == 302

    again = Browser(app.test_client())
    used = again.get(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or has already been used" in used


def test_a_wrong_password_a_taken_address_or_an_expired_link_change_nothing(app, browser, make_user, smtp_server,  # noqa: F811
                                                                             monkeypatch):
    user = make_user(email="ana@example.org", name="Ana")
    make_user(email="taken@example.org")
    browser.login(user.email)
    _delivered(smtp_server)

    wrong = _ask(browser, "new@example.org", password="not my password")
    assert wrong.status_code == 422 and "current password is wrong" in wrong.get_data(as_text=True)
    taken = _ask(browser, "Taken@example.org")
    assert taken.status_code == 422 and "already registered" in taken.get_data(as_text=True)
    assert _delivered(smtp_server) == {}

    _ask(browser, "later@example.org")
    link = _link_in(_delivered(smtp_server)["Ana <later@example.org>"])
    later = utcnow() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(links, "utcnow", lambda: later)
    expired = browser.get(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or has already been used" in expired
    assert _email_of(user) == "ana@example.org"


def test_an_address_taken_after_the_link_was_sent_is_refused_at_confirmation(app, browser, make_user,
                                                                              smtp_server):  # noqa: F811
    user = make_user(email="ana@example.org", name="Ana")
    browser.login(user.email)
    _ask(browser, "wanted@example.org")
    link = _link_in(_delivered(smtp_server)["Ana <wanted@example.org>"])
    make_user(email="wanted@example.org")  # someone signs up with it first

    browser.get(link)
    response = browser.submit("/profile/email", {})
    assert response.status_code == 302
    assert "already exists" in browser.get(response.location).get_data(as_text=True)
    assert _email_of(user) == "ana@example.org"


def test_the_link_never_reaches_the_logs(app, browser, make_user, smtp_server, caplog):  # noqa: F811
    from inducci_events.core.logs import redact

    user = make_user(email="ana@example.org", name="Ana")
    browser.login(user.email)
    _ask(browser, "new@example.org")
    link = _link_in(_delivered(smtp_server)["Ana <new@example.org>"])
    assert link.rsplit("/", 1)[1] not in redact(f"GET {link} HTTP/1.1")


def test_a_cleared_address_field_changes_nothing_and_saves_the_rest(browser, make_user, smtp_server):  # noqa: F811
    user = make_user(email="ana@example.org", name="Ana")
    browser.login(user.email)
    _delivered(smtp_server)
    response = browser.submit("/profile", {"name": "Ana B.", "locale": "en", "email": ""})
    assert response.status_code == 302
    assert _email_of(user) == "ana@example.org" and db.session.get(User, user.id).name == "Ana B."
    assert _delivered(smtp_server) == {}


def test_a_short_link_life_is_said_in_whole_hours(app, browser, make_user, smtp_server):  # noqa: F811
    app.config["EMAIL_CHANGE_SECONDS"] = 1800
    user = make_user(email="ana@example.org", name="Ana")
    browser.login(user.email)
    _ask(browser, "ana.new@example.org")
    assert "(within 1 hour)" in browser.get("/profile").get_data(as_text=True)
    body = _delivered(smtp_server)["Ana <ana.new@example.org>"].get_body(("plain",)).get_content()
    assert "within 1 hour:" in body


def test_a_reset_link_mailed_to_the_old_address_dies_with_the_change(app, browser, make_user,
                                                                      smtp_server):  # noqa: F811
    from inducci_events.accounts import passwords

    user = make_user(email="ana@example.org", name="Ana")
    with app.test_request_context():
        reset = passwords.reset_link(user).removeprefix("http://events.test")  # someone reads the old mailbox
    browser.login(user.email)
    _ask(browser, "ana.new@example.org")
    link = _link_in(_delivered(smtp_server)["Ana <ana.new@example.org>"])
    browser.get(link)
    browser.submit("/profile/email", {})
    assert _email_of(user) == "ana.new@example.org"
    stale = Browser(app.test_client()).get(reset, follow_redirects=True).get_data(as_text=True)
    assert "expired or has already been used" in stale
