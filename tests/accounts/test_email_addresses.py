"""One rule for e-mail addresses (issue #14): stored lower-cased and in ASCII, so mail goes
through any SMTP server. An internationalised domain works end to end (kept as ``xn--``);
letters such as ü before the @ are refused with one clear message on every path that sets
an address: the sign-up page, the profile, ``POST /api/v1/users`` and ``flask users create``."""
from collections import Counter

import pytest
import sqlalchemy as sa

from inducci_events.accounts import services
from inducci_events.accounts.models import User
from inducci_events.core.errors import ValidationFailed
from inducci_events.extensions import db
from inducci_events.mail import services as mail
from tests.conftest import PASSWORD, count
from tests.mail.conftest import smtp_server  # noqa: F401

CLEAR = "We cannot send e-mail to addresses with letters such as ü or é before the @"


def _signup(browser, email):
    return browser.submit("/register", {"name": "Jürgen", "email": email, "password": PASSWORD,
                                        "confirm": PASSWORD, "locale": "en", "accept_privacy_notice": "y"})


@pytest.mark.parametrize("typed, stored", [
    ("Ana@Example.org", "ana@example.org"),
    ("  user@Bücher.example ", "user@xn--bcher-kva.example"),
    ("user@xn--bcher-kva.example", "user@xn--bcher-kva.example"),
])
def test_the_rule_stores_ascii_lower_case(app, typed, stored):
    assert services.normalise_email(typed) == stored


@pytest.mark.parametrize("typed, message", [
    ("jürgen@example.org", CLEAR),
    ("not-an-address", "This is not a valid e-mail address."),
    ("a@b\r\nBcc: x@example.org", "This is not a valid e-mail address."),
])
def test_the_rule_refuses_with_a_message_for_the_field(app, typed, message):
    with pytest.raises(ValidationFailed) as refused:
        services.normalise_email(typed)
    assert refused.value.code == "invalid_email"
    assert message in str(refused.value.message) and message in str(refused.value.fields["email"][0])


def test_sign_up_page_refuses_a_non_ascii_local_part_next_to_the_field(browser):
    response = _signup(browser, "jürgen@example.org")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error_list = page.split('id="email-errors"', 1)[1].split("</ul>", 1)[0]
    assert CLEAR in error_list
    assert count(User) == 0


def test_api_refuses_it_with_422_and_the_field(api):
    response = api.post("/api/v1/users", {"email": "jürgen@example.org", "password": PASSWORD, "name": "J"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert CLEAR in error["fields"]["email"][0]
    assert count(User) == 0


def test_cli_refuses_it_with_the_message(runner):
    result = runner.invoke(args=["users", "create", "jürgen@example.org", "--name", "J", "--password", PASSWORD])
    assert result.exit_code == 1 and CLEAR in result.output
    assert count(User) == 0


def test_an_idn_domain_works_end_to_end(browser, smtp_server):
    response = _signup(browser, "leser@bücher.example")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.email == "leser@xn--bcher-kva.example"
    browser.submit("/logout", {}, form_url="/profile")
    assert browser.login("Leser@Bücher.example").status_code == 302  # typed either way, it finds the account
    assert mail.deliver_pending() == (1, 0)  # the welcome message
    assert Counter(r for _raw, rcpts in smtp_server.inbox.envelopes for r in rcpts) == \
        Counter({"leser@xn--bcher-kva.example": 1})


def test_the_profile_changes_the_address_through_the_same_rule(browser, make_user):
    user = make_user(email="ana@example.org")
    browser.login(user.email)
    refused = browser.submit("/profile", {"name": "Ana", "locale": "en", "email": "jürgen@example.org",
                                          "current_password": PASSWORD})
    assert refused.status_code == 422 and CLEAR in refused.get_data(as_text=True)
    no_password = browser.submit("/profile", {"name": "Ana", "locale": "en", "email": "ana@bücher.example"})
    assert no_password.status_code == 422 and "current password is wrong" in no_password.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "ana@example.org"

    changed = browser.submit("/profile", {"name": "Ana", "locale": "en", "email": "Ana@Bücher.example",
                                          "current_password": PASSWORD})
    assert changed.status_code == 302
    assert "sent a link to ana@xn--bcher-kva.example" in browser.get("/profile").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "ana@example.org"  # until the link is opened


def test_the_profile_refuses_an_address_another_account_has(browser, make_user):
    make_user(email="taken@example.org")
    user = make_user(email="ana@example.org")
    browser.login(user.email)
    response = browser.submit("/profile", {"name": "Ana", "locale": "en", "email": "TAKEN@example.org",
                                           "current_password": PASSWORD})
    assert response.status_code == 422 and "already registered" in response.get_data(as_text=True)


def test_an_account_from_before_the_rule_can_still_log_in_and_edit_its_profile(browser, app):
    from werkzeug.security import generate_password_hash

    from inducci_events.core.db import unit_of_work

    with unit_of_work() as session:
        session.add(User(email="jürgen@example.org", name="Jürgen", password_hash=generate_password_hash(PASSWORD)))
    browser.login("Jürgen@example.org")
    response = browser.submit("/profile", {"name": "Jürgen B.", "locale": "de", "email": "jürgen@example.org"})
    assert response.status_code == 302  # unchanged address: no one is locked out of their profile
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.name)) == "Jürgen B."
