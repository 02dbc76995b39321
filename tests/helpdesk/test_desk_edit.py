"""Organisers edit a help desk (page, service, API): validation, the audit log, and a move that
tells every person with an upcoming on-site appointment once, with updated calendar items."""
from datetime import time

import icalendar
import pytest
import sqlalchemy as sa

from inducci_events.audit.models import AuditEntry
from inducci_events.core.errors import DomainError, Forbidden
from inducci_events.extensions import db
from inducci_events.helpdesk import services
from inducci_events.helpdesk.ical import appointment_item
from inducci_events.helpdesk.models import Appointment, HelpDesk
from inducci_events.mail import services as mail
from inducci_events.mail.models import OutboxMessage
from inducci_events.organisations.services import save_venue
from tests.mail.conftest import smtp_server  # noqa: F401 - the real local SMTP server fixture

from .conftest import NOW, utc

TUESDAY_14 = utc(2027, 3, 2, 13)  # Tuesday 2 March 2027, 14:00 in Rome
TUESDAY_15 = utc(2027, 3, 2, 14)
NEXT_TUESDAY_14 = utc(2027, 3, 9, 13)


def _edit_url(made):
    return f"/manage/{made['org'].slug}/helpdesks/{made['desk'].id}/edit"


def _form(made, **changes):
    desk = made["desk"]
    data = {"name": desk.name, "venue_id": str(made["venue"].id), "meeting_link": desk.meeting_link,
            "topics": ", ".join(desk.topics), "languages": ", ".join(desk.languages), "network": desk.network,
            "description": desk.description, "lead_time_hours": "12", "horizon_days": "56",
            "cancel_until_hours": "24", "max_upcoming_per_person": "3"}
    data.update(changes)
    return data


def _desk(made):
    return db.session.get(HelpDesk, made["desk"].id)


def test_the_edit_form_changes_the_desk_and_logs_the_previous_values(browser, make_desk):
    made = make_desk()
    browser.login(made["organiser"].email)
    page = browser.get(f"/manage/{made['org'].slug}/helpdesks/{made['desk'].id}/").get_data(as_text=True)
    assert _edit_url(made) in page
    form = browser.get(_edit_url(made)).get_data(as_text=True)
    assert 'value="CCI help-desk Padova"' in form and 'value="business plan, crowdfunding"' in form

    response = browser.submit(_edit_url(made), _form(made, name="CCI help-desk Padova centro",
                                                     lead_time_hours="24", topics="business plan, legal",
                                                     description="Wednesdays also in Cittadella."))

    assert response.status_code == 302
    desk = _desk(made)
    assert (desk.name, desk.lead_time_hours, desk.topics) == ("CCI help-desk Padova centro", 24,
                                                              ["business plan", "legal"])
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "desk.update")).one()
    assert entry.actor_id == made["organiser"].id and entry.organisation_id == made["org"].id
    assert entry.changes == {"name": ["CCI help-desk Padova", "CCI help-desk Padova centro"],
                             "lead_time_hours": [12, 24],
                             "topics": ["business plan, crowdfunding", "business plan, legal"],
                             "description": ["", "…"]}
    services.update_desk(made["organiser"], made["desk"].id, description="Thursdays in Cittadella.")
    latest = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "desk.update")
                                .order_by(AuditEntry.id.desc()).limit(1)).one()
    assert latest.changes == {"description": ["…", "…"]}
    log = browser.get(f"/manage/{made['org'].slug}/log").get_data(as_text=True)
    assert "Help desk changed" in log and "CCI help-desk Padova → CCI help-desk Padova centro" in log
    assert "12 → 24" in log


@pytest.mark.parametrize("changes, field, message", [
    ({"name": ""}, "name", "This field is required."),
    ({"horizon_days": "0"}, "horizon_days", "Number must be between 1 and 365."),
    ({"venue_id": "0"}, "venue_id", "Pick a venue or mark the desk as online."),
    ({"venue_id": "0", "online": "y"}, "venue_id", "On-site office hours or upcoming on-site appointments need"),
])
def test_bad_values_are_shown_on_the_form_and_change_nothing(browser, make_desk, changes, field, message):
    made = make_desk()
    browser.login(made["organiser"].email)
    response = browser.submit(_edit_url(made), _form(made, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    desk = _desk(made)
    assert (desk.name, desk.horizon_days, desk.venue_id) == ("CCI help-desk Padova", 56, made["venue"].id)
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "desk.update")).all() == []


def test_an_online_only_desk_may_drop_its_venue_once_no_on_site_hours_need_it(browser, make_desk):
    made = make_desk(rule={"mode": "online"}, online=True)
    browser.login(made["organiser"].email)
    assert browser.submit(_edit_url(made), _form(made, venue_id="0", online="y")).status_code == 302
    assert _desk(made).venue_id is None
    without = browser.submit(_edit_url(made), _form(made, venue_id="0", online=""))
    assert without.status_code == 422 and "Pick a venue or mark the desk as online." in without.get_data(as_text=True)


def test_the_service_refuses_other_organisations_and_their_venues(make_desk, make_organiser):
    made = make_desk()
    stranger, other_org = make_organiser()
    other_venue = save_venue(stranger, other_org.id, name="Elsewhere", street="Via 1", postcode="1", city="Roma",
                             country="IT", timezone="Europe/Rome")
    with pytest.raises(Forbidden):
        services.update_desk(stranger, made["desk"].id, name="Taken over")
    with pytest.raises(DomainError) as info:
        services.update_desk(made["organiser"], made["desk"].id, venue_id=other_venue.id)
    assert info.value.code == "venue_not_found"
    with pytest.raises(DomainError) as info:
        services.update_desk(made["organiser"], made["desk"].id, max_upcoming_per_person=0)
    assert info.value.code == "max_upcoming_per_person_range"
    assert (_desk(made).name, _desk(made).venue_id) == ("CCI help-desk Padova", made["venue"].id)


def test_organisers_of_another_organisation_cannot_open_the_edit_form(browser, make_desk, make_organiser):
    made = make_desk()
    stranger, other_org = make_organiser()
    browser.login(stranger.email)
    assert browser.get(_edit_url(made)).status_code == 403
    assert browser.get(f"/manage/{other_org.slug}/helpdesks/{made['desk'].id}/edit").status_code == 404


def test_a_move_tells_each_person_once_with_the_new_place_and_a_higher_sequence(
        app, smtp_server, make_desk, make_user):
    made = make_desk(rule={"seats": 2, "end_time": time(17)})
    desk_id, adviser_id = made["desk"].id, made["adviser"].id
    ana, ben, cleo = (make_user(name=n, email=f"{n.lower()}@example.org") for n in ("Ana", "Ben", "Cleo"))
    ana_first = services.book(ana, desk_id, adviser_id, TUESDAY_14, topic="business plan", now=NOW)
    ana_second = services.book(ana, desk_id, adviser_id, NEXT_TUESDAY_14, topic="legal", now=NOW)
    ben_slot = services.book(ben, desk_id, adviser_id, TUESDAY_15, topic="crowdfunding", now=NOW)
    cleo_slot = services.book(cleo, desk_id, adviser_id, TUESDAY_14, topic="legal", now=NOW)
    services.cancel(cleo, cleo_slot.id, now=NOW)
    mail.deliver_pending()
    smtp_server.inbox.messages.clear()
    before = {a.id: a.sequence for a in db.session.scalars(sa.select(Appointment))}
    new_venue = save_venue(made["organiser"], made["org"].id, name="Palazzo Sarpi", street="Via Sarpi 2",
                           postcode="35138", city="Padova", country="IT", timezone="Europe/Rome")

    services.update_desk(made["organiser"], desk_id, venue_id=new_venue.id, now=NOW)

    db.session.expire_all()
    after = {a.id: a.sequence for a in db.session.scalars(sa.select(Appointment))}
    assert {pk: after[pk] - before[pk] for pk in after} == {
        ana_first.id: 1, ana_second.id: 1, ben_slot.id: 1, cleo_slot.id: 0}
    queued = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "appointment_place_changed")).all()
    assert sorted(m.user_id for m in queued) == sorted([ana.id, ben.id])
    assert mail.deliver_pending() == (2, 0)
    received = {m["To"]: m for m in smtp_server.inbox.messages}
    assert set(received) == {"Ana <ana@example.org>", "Ben <ben@example.org>"}
    ana_mail = received["Ana <ana@example.org>"]
    assert ana_mail["Subject"] == "New place: CCI help-desk Padova"
    assert "Palazzo Sarpi" in ana_mail.get_body(("plain",)).get_content()
    [attachment] = [p for p in ana_mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    events = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    with app.test_request_context("/"):
        expected = {item.uid: item.sequence for item in (appointment_item(db.session.get(Appointment, pk))
                                                         for pk in (ana_first.id, ana_second.id))}
    assert {str(e["UID"]): int(e["SEQUENCE"]) for e in events} == expected
    assert all("Palazzo Sarpi" in str(e["LOCATION"]) for e in events)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "desk.update")).one()
    assert entry.changes == {"venue": ["Camera di Commercio", "Palazzo Sarpi"]}


def test_a_rename_raises_the_sequence_without_a_message(make_desk, make_user):
    made = make_desk()
    person = make_user()
    appointment = services.book(person, made["desk"].id, made["adviser"].id, TUESDAY_14, topic="legal", now=NOW)
    sequence = db.session.get(Appointment, appointment.id).sequence
    services.update_desk(made["organiser"], made["desk"].id, name="Sportello CCI Padova", now=NOW)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).sequence == sequence + 1
    assert db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "appointment_place_changed")).all() == []


def test_the_api_patch_changes_only_what_is_sent(api, make_desk, make_organiser):
    made = make_desk()
    url = f"/api/v1/helpdesks/{made['desk'].id}"
    token = api.token_for(made["organiser"].email)
    assert api.patch(url, {"lead_time_hours": 48}).status_code == 401
    changed = api.patch(url, {"lead_time_hours": 48, "languages": ["Italian"]}, token=token)
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["lead_time_hours"], body["languages"], body["name"]) == (48, ["Italian"], "CCI help-desk Padova")
    bad = api.patch(url, {"horizon_days": 0, "colour": "red"}, token=token)
    assert bad.status_code == 422 and {"horizon_days", "colour"} <= set(bad.get_json()["error"]["fields"])
    needed = api.patch(url, {"venue_id": None}, token=token)
    assert needed.status_code == 422 and needed.get_json()["error"]["code"] == "venue_or_online"
    stranger, _org = make_organiser()
    assert api.patch(url, {"name": "Mine"}, token=api.token_for(stranger.email)).status_code == 403
    assert api.patch("/api/v1/helpdesks/99999", {"name": "Nobody"}, token=token).status_code == 404
    assert _desk(made).lead_time_hours == 48 and _desk(made).name == "CCI help-desk Padova"
