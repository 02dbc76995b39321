"""Sign-in sessions end: log-out, password change, "sign out everywhere" and ending one device
leave no cookie (session or remember-me) and, where it applies, no API token that still works."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event

from inducci_events.accounts.models import UserSession
from inducci_events.core.db import utcnow
from inducci_events.extensions import db
from tests.conftest import PASSWORD, Browser, count, csrf_from

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")


def _device(app, user_agent=FIREFOX):
    """A browser of its own (own cookie jar, own User-Agent)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return Browser(client)


def _log_in(device, email, remember=True):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = device.submit("/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _cookie(device, name):
    cookie = device.client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _with_cookie(app, name, value):
    """A new browser that has only this one cookie (as a thief who copied it would)."""
    thief = _device(app, CHROME)
    thief.client.set_cookie(name, value)
    return thief


def _logged_in(device):
    return device.get("/profile").status_code == 200


def test_each_log_in_gets_its_own_remember_cookie_for_thirty_days(app, make_user):
    user = make_user()
    first, second = _device(app), _device(app)
    response = _log_in(first, user.email)
    _log_in(second, user.email)
    assert _cookie(first, "remember_token") != _cookie(second, "remember_token")
    assert _cookie(first, "remember_token").split("|")[0] != str(user.id)
    expires = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    lifetime = first.client.get_cookie("remember_token").expires - utcnow()
    assert timedelta(days=29) < lifetime <= timedelta(days=30), expires
    assert count(UserSession) == 2


def test_remember_days_is_configurable(make_user, database_url, tmp_path):
    from inducci_events import create_app
    from tests.conftest import IsolatedClient

    short = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, REMEMBER_DAYS=7,
                       MAIL_FOLDER=str(tmp_path / "mail"))
    short.test_client_class = IsolatedClient
    user = make_user()
    device = _device(short)
    _log_in(device, user.email)
    lifetime = device.client.get_cookie("remember_token").expires - utcnow()
    assert timedelta(days=6) < lifetime <= timedelta(days=7)
    with short.app_context():
        session = db.session.scalar(sa.select(UserSession))
        assert timedelta(days=6) < session.expires_at - utcnow() <= timedelta(days=7)
        db.session.remove()
        db.engine.dispose()


def test_cookies_taken_before_log_out_no_longer_log_anyone_in(app, make_user):
    user = make_user()
    device = _device(app)
    _log_in(device, user.email)
    remember, session_cookie = _cookie(device, "remember_token"), _cookie(device, "session")
    # Before the log-out, each copied cookie on its own is a working log-in.
    assert _logged_in(_with_cookie(app, "remember_token", remember))
    assert _logged_in(_with_cookie(app, "session", session_cookie))

    device.submit("/logout", {}, form_url="/profile")
    assert not _logged_in(device)
    assert not _logged_in(_with_cookie(app, "remember_token", remember))
    assert not _logged_in(_with_cookie(app, "session", session_cookie))
    assert count(UserSession) == 0  # the copies used the device's one session, now gone


def test_a_password_change_ends_every_other_session_and_every_api_token(app, api, make_user):
    user = make_user()
    laptop, phone = _device(app, FIREFOX), _device(app, CHROME)
    _log_in(laptop, user.email)
    _log_in(phone, user.email)
    remember = _cookie(laptop, "remember_token")
    token = api.token_for(user.email)
    assert api.get("/api/v1/me", token=token).status_code == 200

    response = phone.submit("/profile", {"name": user.name, "locale": "en", "current_password": PASSWORD,
                                         "new_password": "a brand new passphrase"})
    assert response.status_code == 302
    page = phone.get("/profile")  # the device that changed it stays
    assert page.status_code == 200 and "Every other device has been signed out" in page.get_data(as_text=True)
    assert not _logged_in(laptop)
    assert not _logged_in(_with_cookie(app, "remember_token", remember))
    me = api.get("/api/v1/me", token=token)
    assert me.status_code == 401 and me.get_json()["error"]["code"] == "invalid_token"


def test_sign_out_everywhere_ends_this_and_every_other_session_and_token(app, api, make_user):
    user = make_user()
    laptop, phone = _device(app, FIREFOX), _device(app, CHROME)
    _log_in(laptop, user.email)
    _log_in(phone, user.email)
    remembered = [_cookie(laptop, "remember_token"), _cookie(phone, "remember_token")]
    token = api.token_for(user.email)

    response = phone.submit("/profile/sessions/end-all", {}, form_url="/profile")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not _logged_in(phone) and not _logged_in(laptop)
    for value in remembered:
        assert not _logged_in(_with_cookie(app, "remember_token", value))
    assert api.get("/api/v1/me", token=token).status_code == 401
    assert count(UserSession) == 0


def test_the_profile_lists_devices_and_ends_one_of_them(app, make_user):
    user = make_user()
    laptop, phone = _device(app, FIREFOX), _device(app, CHROME)
    _log_in(laptop, user.email)
    _log_in(phone, user.email, remember=False)
    page = phone.get("/profile").get_data(as_text=True)
    assert "Firefox 120 on Linux" in page and "Chrome 120 on Windows" in page
    assert page.count('data-testid="this-device"') == 1
    this_device = page.index('data-testid="this-device"')
    assert page.rfind("Chrome 120 on Windows", 0, this_device) > page.rfind("Firefox 120 on Linux", 0, this_device)

    laptop_session = db.session.scalar(sa.select(UserSession).where(UserSession.user_agent == FIREFOX))
    response = phone.submit(f"/profile/sessions/{laptop_session.id}/end", {}, form_url="/profile")
    assert response.status_code == 302
    page = phone.get("/profile")
    assert page.status_code == 200
    assert "That device has been signed out." in page.get_data(as_text=True)
    assert "Firefox 120 on Linux" not in page.get_data(as_text=True)
    assert not _logged_in(laptop)


def test_nobody_ends_another_persons_session(app, make_user):
    owner, other = make_user(), make_user()
    victim, intruder = _device(app), _device(app, CHROME)
    _log_in(victim, owner.email)
    _log_in(intruder, other.email)
    victims = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == owner.id))
    response = intruder.submit(f"/profile/sessions/{victims.id}/end", {}, form_url="/profile")
    assert response.status_code == 302
    assert _logged_in(victim)
    assert "not signed in" in intruder.get("/profile").get_data(as_text=True)


def test_ending_this_device_from_the_list_logs_it_out(app, make_user):
    user = make_user()
    device = _device(app)
    _log_in(device, user.email)
    mine = db.session.scalar(sa.select(UserSession))
    response = device.submit(f"/profile/sessions/{mine.id}/end", {}, form_url="/profile")
    assert response.headers["Location"].endswith("/login")
    assert not _logged_in(device)


def test_the_csrf_token_is_renewed_at_log_in(app, make_user):
    user = make_user()
    device = _device(app)
    before = csrf_from(device.get("/login").get_data(as_text=True))
    response = device.client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    # A token from before the log-in (say, planted by someone who saw the page) is refused now.
    stale = device.client.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400
    assert _logged_in(device)
    after = csrf_from(device.get("/profile").get_data(as_text=True))
    assert device.client.post("/logout", data={"csrf_token": after}).status_code == 302
    assert not _logged_in(device)


def test_sign_up_opens_a_session(app):
    device = _device(app)
    response = device.submit("/register", {"name": "Ana", "email": "ana@example.org", "password": PASSWORD,
                                           "confirm": PASSWORD, "locale": "en", "accept_privacy_notice": "y"})
    assert response.status_code == 302
    assert _logged_in(device)
    assert count(UserSession) == 1


def test_expired_sessions_log_nobody_in(app, make_user):
    user = make_user()
    device = _device(app)
    _log_in(device, user.email, remember=False)
    assert _logged_in(device)
    db.session.execute(sa.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not _logged_in(device)


def test_idle_sessions_move_on_every_few_minutes_not_every_request(app, make_user):
    user = make_user()
    device = _device(app)
    _log_in(device, user.email, remember=False)
    session = db.session.scalar(sa.select(UserSession))
    first_seen, first_expiry = session.last_seen_at, session.expires_at
    device.get("/profile")
    db.session.expire_all()
    assert db.session.scalar(sa.select(UserSession)).last_seen_at == first_seen  # no write per request

    earlier = first_seen - timedelta(minutes=6)
    db.session.execute(sa.update(UserSession).values(last_seen_at=earlier, expires_at=first_expiry - timedelta(minutes=6)))
    db.session.commit()
    device.get("/profile")
    db.session.expire_all()
    session = db.session.scalar(sa.select(UserSession))
    assert session.last_seen_at > earlier + timedelta(minutes=5)
    assert session.expires_at >= first_expiry  # idle timeout pushed on


def test_loading_the_signed_in_user_costs_one_query(app, make_user):
    user = make_user()
    device = _device(app)
    _log_in(device, user.email)
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert device.get("/my/enrolments").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    loads = [s for s in statements if "user_sessions" in s]
    assert len(loads) == 1 and "JOIN users" in " ".join(loads[0].split())
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")) for s in statements)


def test_expired_sessions_are_deleted_at_the_next_log_in(app, make_user):
    gone, other = make_user(), make_user()
    _log_in(_device(app), gone.email, remember=False)
    db.session.execute(sa.update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    _log_in(_device(app), other.email)
    assert db.session.scalars(sa.select(UserSession.user_id)).all() == [other.id]
