"""Programmes and venues in the log; entries outlive the accounts they name, anonymised."""
import sqlalchemy as sa

from inducci_events.accounts import services as accounts
from inducci_events.accounts.models import User
from inducci_events.audit.models import AuditEntry
from inducci_events.core.db import unit_of_work
from inducci_events.extensions import db
from inducci_events.organisations import services as organisations


def _entries(*actions):
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.in_(actions))
                              .order_by(AuditEntry.id)).all()


def test_programme_and_venue_changes_keep_the_previous_values(make_organiser):
    user, org = make_organiser()
    programme = organisations.save_programme(user, org.id, title="Boot camp", summary="Five modules",
                                             description="Long text", targets="12 participants")
    organisations.save_programme(user, org.id, programme_id=programme.id, title="Boot camp", summary="Six modules",
                                 description="Long text, longer")  # targets are edited on the reach pages
    venue = organisations.save_venue(user, org.id, name="Tabakfabrik", street="Peter-Behrens-Platz 1",
                                     postcode="4020", city="Linz", country="AT", timezone="Europe/Vienna")
    organisations.save_venue(user, org.id, venue_id=venue.id, name="Tabakfabrik, Magazin 1",
                             street="Peter-Behrens-Platz 1", postcode="4020", city="Linz", country="AT",
                             timezone="Europe/Vienna")
    made, changed = _entries("programme.create", "programme.update")
    assert made.changes["title"] == [None, "Boot camp"]
    assert made.changes["targets"] == [None, "12 participants"]
    assert changed.changes == {"summary": ["Five modules", "Six modules"], "description": ["…", "…"]}
    _, moved = _entries("venue.create", "venue.update")
    assert (moved.actor_id, moved.organisation_id, moved.changes) == (
        user.id, org.id, {"name": ["Tabakfabrik", "Tabakfabrik, Magazin 1"]})


def test_entries_outlive_deleted_accounts_with_the_names_gone(browser, make_user, make_organiser):
    admin = make_user(admin=True, name="Ada Admin")
    gone_admin = make_user(admin=True, name="Gustav Gone")
    person = make_user(name="Olga Organiser")
    _user, org = make_organiser(slug="chemnitz")
    accounts.grant_role(person.email, org.slug, "organiser", actor=gone_admin)
    with unit_of_work() as session:
        session.delete(session.get(User, gone_admin.id))
        session.delete(session.get(User, person.id))
    anonymous = [e for e in _entries("membership.grant") if e.actor_id is None and e.subject_user_id is None]
    assert [(e.summary, e.changes) for e in anonymous] == [("organiser", {"role": [None, "organiser"]})]
    browser.login(admin.email)
    page = browser.get("/admin/log").get_data(as_text=True)
    assert "Gustav Gone" not in page and "Olga Organiser" not in page
    assert "a deleted account" in page and "no account (command line or deleted)" in page
