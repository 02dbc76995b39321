"""A site admin deactivates an account: signed out everywhere at once, log-in refused, data kept."""
from inducci_events.accounts import services
from inducci_events.audit.models import AuditEntry
from inducci_events.core.auth import COMMAND_LINE
from inducci_events.extensions import db
from tests.conftest import PASSWORD, Browser


def test_deactivation_ends_every_session_and_token_and_refuses_log_in(app, api, browser, make_user, runner):
    user = make_user(email="leaver@example.org")
    token = api.token_for(user.email)
    browser.login(user.email)
    assert browser.get("/profile").status_code == 200

    result = runner.invoke(args=["users", "deactivate", "Leaver@example.org"])
    assert result.exit_code == 0, result.output
    assert browser.get("/profile").status_code == 302  # to the log-in page
    assert api.get("/api/v1/me", token=token).status_code == 401
    refused = Browser(app.test_client()).submit("/login", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 422 and "deactivated" in refused.get_data(as_text=True)
    wrong = Browser(app.test_client()).submit("/login", {"email": user.email, "password": "not the password"})
    assert "deactivated" not in wrong.get_data(as_text=True)  # only whoever knows the password is told
    token_refused = api.post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD})
    assert token_refused.status_code == 403 and token_refused.get_json()["error"]["code"] == "account_deactivated"
    assert "inactive" in runner.invoke(args=["users", "list"]).output

    assert runner.invoke(args=["users", "reactivate", user.email]).exit_code == 0
    Browser(app.test_client()).login(user.email)
    assert [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)] == [
        "user.deactivate", "user.reactivate"]


def test_admins_deactivate_from_the_user_search_but_not_themselves(browser, make_user):
    admin = make_user(email="admin@example.org", admin=True)
    other = make_user(email="someone@example.org", name="Someone")
    browser.login(admin.email)
    page = browser.get("/admin/?q=someone").get_data(as_text=True)
    assert f"/admin/users/{other.id}/deactivate" in page
    browser.submit(f"/admin/users/{other.id}/deactivate", {}, form_url="/admin/?q=someone")
    db.session.refresh(other)
    assert not other.is_active
    browser.submit(f"/admin/users/{admin.id}/deactivate", {}, form_url="/admin/?q=someone")
    db.session.refresh(admin)
    assert admin.is_active


def test_only_admins_deactivate(make_organiser):
    import pytest

    from inducci_events.core.errors import Forbidden

    organiser, _ = make_organiser()
    with pytest.raises(Forbidden):
        services.set_active(organiser.email, False, actor=organiser)
    assert services.set_active(organiser.email, False, actor=COMMAND_LINE).is_active is False
