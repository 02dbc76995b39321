"""The audit log: admins' and organisers' actions on someone else's data, and who may read it."""
from inducci_events.audit.models import AuditEntry
from inducci_events.extensions import db


def test_role_changes_by_an_admin_are_logged_with_who_and_the_previous_value(browser, make_user, make_org):
    admin = make_user(email="admin@example.org", name="Ada Admin", admin=True)
    person = make_user(email="olga@example.org", name="Olga Organiser")
    org = make_org(slug="sokolov", timezone="Europe/Prague")
    browser.login(admin.email)
    browser.submit("/admin/organisations/sokolov/members", {"email": person.email, "role": "organiser"})
    browser.submit(f"/admin/organisations/sokolov/members/{person.id}/organiser/remove", {},
                   form_url="/admin/organisations/sokolov/members")

    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [(e.action, e.actor_id, e.subject_user_id, e.organisation_id, e.changes) for e in entries] == [
        ("membership.grant", admin.id, person.id, org.id, {"role": [None, "organiser"]}),
        ("membership.revoke", admin.id, person.id, org.id, {"role": ["organiser", None]})]
    page = browser.get("/admin/log").get_data(as_text=True)
    assert "Role granted" in page and "Role revoked" in page and "Olga Organiser" in page and "Ada Admin" in page


def test_an_organisation_change_keeps_the_old_value_and_organisers_read_only_their_own_log(
        browser, make_user, make_organiser, runner):
    admin = make_user(admin=True)
    browser.login(admin.email)
    user, org = make_organiser(slug="kranj", name="BSC Kranj", country="SI", timezone="Europe/Ljubljana")
    _, other = make_organiser(slug="padova")
    browser.submit("/admin/organisations/kranj/edit", {
        "name": "Business Support Centre Kranj", "country": "SI", "timezone": "Europe/Ljubljana",
        "default_locale": "en"})
    entry = db.session.query(AuditEntry).filter_by(action="organisation.update").one()
    assert entry.changes["name"] == ["BSC Kranj", "Business Support Centre Kranj"]

    browser.submit("/logout", {}, form_url="/")
    browser.login(user.email)
    own = browser.get("/manage/kranj/log")
    assert own.status_code == 200 and "Organisation changed" in own.get_data(as_text=True)
    assert browser.get("/manage/padova/log").status_code == 403
    assert browser.get("/admin/log").status_code == 403


def test_command_line_actions_are_logged_without_an_actor(runner, make_user):
    make_user(email="it@example.org")
    assert runner.invoke(args=["organisations", "create", "linz", "--name", "BizUp", "--country", "AT",
                               "--timezone", "Europe/Vienna"]).exit_code == 0
    assert runner.invoke(args=["users", "grant", "it@example.org", "linz", "adviser"]).exit_code == 0
    assert [(e.action, e.actor_id) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)] == [
        ("organisation.create", None), ("membership.grant", None)]


def test_service_refuses_role_changes_by_someone_who_is_not_an_admin(make_organiser, make_user):
    import pytest

    from inducci_events.accounts import services
    from inducci_events.core.errors import Forbidden

    organiser, org = make_organiser()
    other = make_user()
    with pytest.raises(Forbidden):
        services.grant_role(other.email, org.slug, "organiser", actor=organiser)
    assert db.session.query(AuditEntry).filter_by(action="membership.grant", subject_user_id=other.id).count() == 0


def test_paging_values_from_the_url_never_fail(browser, make_user):
    browser.login(make_user(admin=True).email)
    for value in ("99999999999999999999", "-5", "0", "abc"):
        assert browser.get(f"/admin/log?before={value}").status_code == 200
