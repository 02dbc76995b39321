import sqlalchemy as sa

from inducci_events.accounts.models import User
from inducci_events.extensions import db
from tests.conftest import PASSWORD, count


def _signup(browser, **overrides):
    data = {"name": "Ana Creative", "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD,
            "locale": "en", "accept_privacy_notice": "y"}
    data.update(overrides)
    return browser.submit("/register", data)


def test_sign_up_logs_in_and_shows_the_profile(browser):
    response = _signup(browser, email="Ana@Example.org")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    profile = browser.get("/profile").get_data(as_text=True)
    assert "ana@example.org" in profile and "Ana Creative" in profile
    user = db.session.scalar(sa.select(User))
    assert user.password_hash != PASSWORD and user.password_hash.startswith("scrypt:")


def test_a_taken_email_in_any_case_is_refused(browser, make_user):
    make_user(email="ana@example.org")
    response = _signup(browser, email="ANA@example.ORG")
    assert response.status_code == 422
    assert "already registered" in response.get_data(as_text=True)
    assert count(User) == 1


def test_short_password_and_malformed_email_are_shown_next_to_the_fields(browser):
    response = _signup(browser, email="not-an-email", password="short", confirm="short")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Invalid email address" in page
    assert "at least 10 characters" in page
    assert 'aria-invalid="true"' in page
    assert count(User) == 0


def test_a_form_without_its_csrf_token_changes_nothing(client):
    response = client.post("/register", data={"name": "X", "email": "x@example.org", "password": PASSWORD,
                                              "confirm": PASSWORD, "locale": "en"})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)
    assert count(User) == 0


def test_wrong_credentials_get_one_message_for_both_cases(browser, make_user):
    user = make_user()
    wrong_pw = browser.submit("/login", {"email": user.email, "password": "nope-nope-nope"})
    unknown = browser.submit("/login", {"email": "ghost@example.org", "password": PASSWORD})
    for response in (wrong_pw, unknown):
        assert response.status_code == 422
        assert "e-mail address or the password is wrong" in response.get_data(as_text=True)
    assert browser.get("/profile").status_code == 302  # still logged out


def test_login_is_case_insensitive_and_remember_me_sets_a_cookie(browser, make_user):
    make_user(email="ben@example.org")
    response = browser.submit("/login", {"email": "BEN@example.org", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_is_rate_limited(browser, make_user):
    user = make_user()
    statuses = [browser.submit("/login", {"email": user.email, "password": "wrong-password!"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    # Even the right password waits now.
    assert browser.submit("/login", {"email": user.email, "password": PASSWORD}).status_code == 429


def test_login_does_not_redirect_to_another_site(browser, make_user):
    user = make_user()
    page = browser.client.get("/login?next=https://evil.example/")
    from tests.conftest import csrf_from

    response = browser.client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/"


def test_profile_changes_name_language_and_password(browser, make_user):
    user = make_user()
    browser.login(user.email)
    response = browser.submit("/profile", {"name": "New Name", "locale": "de", "current_password": PASSWORD,
                                           "new_password": "an even better one"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.name, saved.locale) == ("New Name", "de")
    page = browser.get("/profile").get_data(as_text=True)
    assert "Ihr Profil" in page  # the page now speaks German


def test_changing_the_password_needs_the_current_one(browser, make_user):
    user = make_user()
    browser.login(user.email)
    response = browser.submit("/profile", {"name": "X", "locale": "en", "current_password": "wrong-password",
                                           "new_password": "another long one"})
    assert response.status_code == 422
    assert "current password is wrong" in response.get_data(as_text=True)


def test_logout_needs_a_post_with_token(browser, make_user):
    user = make_user()
    browser.login(user.email)
    assert browser.client.get("/logout").status_code == 405
    browser.submit("/logout", {}, form_url="/profile")
    assert browser.get("/profile").status_code == 302
