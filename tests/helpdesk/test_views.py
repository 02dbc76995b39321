"""Help-desk pages through HTTP: what people, advisers and organisers see and do."""
import re
from datetime import date, time, timedelta

from urllib.parse import urlencode

from inducci_events.core.auth import COMMAND_LINE
from inducci_events.core.db import utcnow
from inducci_events.extensions import db
from inducci_events.helpdesk import queries, services
from inducci_events.helpdesk.models import Appointment, HelpDesk, OfficeHourRule
from tests.conftest import count

EVERY_DAY = dict(weekdays=list(range(7)), start_time=time(9), end_time=time(17),
                 valid_from=date.today() - timedelta(days=1))


def _first_free(desk):
    """The first free slot at least two days ahead (well before the cancellation deadline)."""
    start = utcnow() + timedelta(days=2)
    return queries.free_slots([desk.id], start, start + timedelta(days=8))[0]


def _follow(browser, response):
    """The page a POST redirected to (with its flashed messages)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser.get(response.location)


def _book_url(desk, adviser_id, start):
    return f"/helpdesks/{desk.id}/book?" + urlencode({"adviser": adviser_id, "start": start})


def test_directory_filters_by_region_topic_and_language(client, make_desk, make_org, make_organiser):
    make_desk(name="CCI help-desk Padova", topics=["crowdfunding"], languages=["Italian"])
    organiser, kranj = make_organiser(slug="kranj", region="Gorenjska", timezone="Europe/Ljubljana")
    make_desk(org=kranj, organiser=organiser, name="Kovačnica desk", timezone_name="Europe/Ljubljana",
              topics=["legal"], languages=["Slovenian"], network="")
    page = client.get("/helpdesks/").get_data(as_text=True)
    assert "CCI help-desk Padova" in page and "Kovačnica desk" in page and "Veneto CCI help-desks" in page
    by_region = client.get("/helpdesks/?region=Gorenjska").get_data(as_text=True)
    assert "Kovačnica desk" in by_region and "CCI help-desk Padova" not in by_region
    by_topic = client.get("/helpdesks/?topic=crowdfunding").get_data(as_text=True)
    assert "CCI help-desk Padova" in by_topic and "Kovačnica desk" not in by_topic
    by_language = client.get("/helpdesks/?language=slovenian").get_data(as_text=True)
    assert "Kovačnica desk" in by_language and "CCI help-desk Padova" not in by_language
    assert "No help desk matches" in client.get("/helpdesks/?topic=astrology").get_data(as_text=True)


def test_desk_page_shows_a_week_of_free_slots_in_the_desk_zone(client, make_desk):
    made = make_desk(rule=EVERY_DAY)
    page = client.get(f"/helpdesks/{made['desk'].id}").get_data(as_text=True)
    assert "shown in Europe/Rome" in page
    assert page.count('data-testid="week-day"') == 7
    assert "16:00–17:00" in page and "Start-up adviser" in page
    assert "meet.example.org" not in page  # the meeting link is only for booked people
    assert client.get("/helpdesks/99999").status_code == 404


def test_a_person_books_sees_and_cancels_an_appointment(browser, make_desk, make_user):
    made = make_desk(rule=EVERY_DAY)
    slot = _first_free(made["desk"])
    person = make_user()
    browser.login(person.email)
    url = _book_url(made["desk"], slot.adviser_id, slot.starts_at.isoformat())
    slots_before = browser.get(f"/helpdesks/{made['desk'].id}").get_data(as_text=True).count('class="slot"')
    form = browser.get(url).get_data(as_text=True)
    assert "(Europe/Rome)" in form
    response = browser.submit(url, {"adviser_id": slot.adviser_id, "starts_at": slot.starts_at.isoformat(),
                                    "topic": "crowdfunding", "message": "A campaign for my ceramics studio"})
    assert response.status_code == 302 and response.location.endswith("/helpdesks/mine")
    mine = browser.get("/helpdesks/mine").get_data(as_text=True)
    assert "Your appointment is booked." in mine and "crowdfunding" in mine and "confirmed" in mine
    # The slot is gone from the desk page.
    desk_page = browser.get(f"/helpdesks/{made['desk'].id}").get_data(as_text=True)
    assert desk_page.count('class="slot"') == slots_before - 1
    # Booking it again: a clear refusal, nothing written.
    again = browser.submit(url, {"adviser_id": slot.adviser_id, "starts_at": slot.starts_at.isoformat(),
                                 "topic": "crowdfunding"})
    assert again.status_code == 409 and "already booked this slot" in again.get_data(as_text=True)
    appointment = Appointment.query.one()
    cancelled = browser.submit(f"/helpdesks/appointments/{appointment.id}/cancel", {}, form_url="/helpdesks/mine")
    assert cancelled.status_code == 302
    assert "The appointment has been cancelled." in browser.get("/helpdesks/mine").get_data(as_text=True)
    db.session.expire_all()
    assert Appointment.query.one().status == "cancelled"


def test_booking_a_time_that_is_not_a_slot_is_explained(browser, make_desk, make_user):
    made = make_desk(rule=EVERY_DAY)
    slot = _first_free(made["desk"])
    browser.login(make_user().email)
    odd = (slot.starts_at + timedelta(minutes=10)).isoformat()
    url = _book_url(made["desk"], slot.adviser_id, odd)
    response = browser.submit(url, {"adviser_id": slot.adviser_id, "starts_at": odd, "topic": "crowdfunding"})
    assert response.status_code == 422
    assert "not a bookable slot" in response.get_data(as_text=True)
    missing_topic = browser.submit(url, {"adviser_id": slot.adviser_id, "starts_at": odd, "topic": ""})
    assert missing_topic.status_code == 422
    assert count(Appointment) == 0


def test_adviser_agenda_marks_and_keeps_private_notes(browser, make_desk, make_user):
    made = make_desk(rule=EVERY_DAY)
    slot = _first_free(made["desk"])
    person = make_user(name="Giulia Rossi")
    appointment = services.book(person, made["desk"].id, slot.adviser_id, slot.starts_at, topic="crowdfunding",
                                message="Ceramics")
    browser.login(made["adviser_user"].email)
    day = slot.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Rome")).date()
    agenda = browser.get(f"/helpdesks/agenda?day={day.isoformat()}").get_data(as_text=True)
    assert "Giulia Rossi" in agenda and "Ceramics" in agenda
    week = browser.get(f"/helpdesks/agenda?day={day.isoformat()}&view=week").get_data(as_text=True)
    assert "Giulia Rossi" in week
    # Not started yet: marking is refused with a message.
    refused = _follow(browser, browser.submit(f"/helpdesks/appointments/{appointment.id}/mark/completed", {},
                             form_url=f"/helpdesks/agenda?day={day.isoformat()}"))
    assert "once it has started" in refused.get_data(as_text=True)
    saved = _follow(browser, browser.submit(f"/helpdesks/appointments/{appointment.id}/notes", {"notes": "Bring the budget"},
                           form_url=f"/helpdesks/agenda?day={day.isoformat()}"))
    assert "The notes have been saved." in saved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).adviser_notes == "Bring the budget"
    # The person never sees the adviser's notes, nor the agenda.
    browser.client.delete_cookie("session")
    browser.login(person.email)
    mine = browser.get("/helpdesks/mine").get_data(as_text=True)
    assert "crowdfunding" in mine and "Bring the budget" not in mine
    assert browser.get("/helpdesks/agenda").status_code == 403


def test_people_without_an_adviser_profile_have_no_agenda(browser, make_user):
    browser.login(make_user().email)
    assert browser.get("/helpdesks/agenda").status_code == 403


def test_organiser_creates_a_desk_adds_an_adviser_and_office_hours(browser, make_organiser, make_user):
    organiser, org = make_organiser(slug="padova", timezone="Europe/Rome")
    adviser = make_user(name="Marco Bianchi")
    from inducci_events.accounts import services as accounts

    accounts.grant_role(adviser.email, "padova", "adviser", actor=COMMAND_LINE)
    browser.login(organiser.email)
    base = "/manage/padova/helpdesks"
    missing = browser.submit(f"{base}/new", {"name": "Desk", "venue_id": "0", "lead_time_hours": "12",
                                             "horizon_days": "56", "cancel_until_hours": "24",
                                             "max_upcoming_per_person": "3"})
    assert missing.status_code == 422 and "Pick a venue or mark the desk as online." in missing.get_data(as_text=True)
    created = browser.submit(f"{base}/new", {"name": "Online desk Veneto", "venue_id": "0", "online": "y",
                                             "topics": "legal, crowdfunding", "languages": "Italian",
                                             "lead_time_hours": "12", "horizon_days": "56",
                                             "cancel_until_hours": "24", "max_upcoming_per_person": "3"})
    assert created.status_code == 302
    desk = HelpDesk.query.one()
    assert (desk.topics, desk.timezone) == (["legal", "crowdfunding"], "Europe/Rome")
    stranger = make_user()
    refused = browser.submit(f"{base}/{desk.id}/advisers/new", {"email": stranger.email})
    assert refused.status_code == 422 and "adviser role" in refused.get_data(as_text=True)
    assert browser.submit(f"{base}/{desk.id}/advisers/new", {"email": adviser.email, "bio": "Lawyer"}).status_code == 302
    db.session.expire_all()
    adviser_id = db.session.get(HelpDesk, desk.id).advisers[0].id
    bad_rule = browser.submit(f"{base}/{desk.id}/rules/new", {
        "adviser_id": adviser_id, "weekdays": ["1"], "start_time": "17:00", "end_time": "14:00",
        "slot_minutes": "45", "buffer_minutes": "15", "seats": "1", "mode": "online", "valid_from": "2027-01-01"})
    assert bad_rule.status_code == 422 and "The end must be after the start." in bad_rule.get_data(as_text=True)
    good = browser.submit(f"{base}/{desk.id}/rules/new", {
        "adviser_id": adviser_id, "weekdays": ["1", "3"], "start_time": "14:00", "end_time": "17:00",
        "slot_minutes": "45", "buffer_minutes": "15", "seats": "1", "mode": "online", "valid_from": "2027-01-01"})
    assert good.status_code == 302
    rule = OfficeHourRule.query.one()
    assert (rule.weekday_list, rule.slot_minutes, rule.buffer_minutes) == ([1, 3], 45, 15)
    page = browser.get(f"{base}/{desk.id}/").get_data(as_text=True)
    assert "Tuesday, Thursday" in page and "14:00–17:00" in page and "Marco Bianchi" in page
    assert browser.submit(f"{base}/{desk.id}/absences/new", {"adviser_id": adviser_id, "starts_on": "2027-08-01",
                                                             "ends_on": "2027-08-20", "reason": "Holiday"}
                          ).status_code == 302
    assert "1\u2009–\u200920 Aug 2027: Holiday" in browser.get(f"{base}/{desk.id}/").get_data(as_text=True)


def test_organisers_cannot_manage_another_organisations_desks(browser, make_desk, make_organiser):
    made = make_desk()
    intruder, other = make_organiser()
    browser.login(intruder.email)
    assert browser.get(f"/manage/{made['org'].slug}/helpdesks/").status_code == 403
    # Their own slug with the other desk's id: not found, and nothing is added.
    response = browser.get(f"/manage/{other.slug}/helpdesks/{made['desk'].id}/rules/new")
    assert response.status_code == 404
    rule = {"adviser_id": made["adviser"].id, "weekdays": ["2"], "start_time": "09:00", "end_time": "12:00",
            "slot_minutes": "60", "buffer_minutes": "0", "seats": "1", "mode": "onsite",
            "valid_from": "2027-01-01"}
    own_page = f"/manage/{other.slug}/helpdesks/new"  # a page of theirs, for the CSRF token
    posted = browser.submit(f"/manage/{other.slug}/helpdesks/{made['desk'].id}/rules/new", rule, form_url=own_page)
    assert posted.status_code == 404
    posted = browser.submit(f"/manage/{made['org'].slug}/helpdesks/{made['desk'].id}/rules/new", rule,
                            form_url=own_page)
    assert posted.status_code == 403
    assert count(OfficeHourRule) == 1
    # The same rule from the desk's own organiser is saved: the refusals above were about who asks.
    browser.client.delete_cookie("session")
    browser.login(made["organiser"].email)
    own = f"/manage/{made['org'].slug}/helpdesks/{made['desk'].id}/rules/new"
    assert browser.submit(own, rule).status_code == 302
    assert count(OfficeHourRule) == 2


def test_agenda_offers_the_adviser_a_late_cancel_the_person_no_longer_has(browser, make_desk, make_user):
    made = make_desk(rule=EVERY_DAY, cancel_until_hours=72)
    slot = _first_free(made["desk"])  # two to three days ahead: inside the person's deadline
    person = make_user()
    appointment = services.book(person, made["desk"].id, slot.adviser_id, slot.starts_at, topic="legal")
    cancel_url = f"/helpdesks/appointments/{appointment.id}/cancel"
    browser.login(person.email)
    assert cancel_url not in browser.get("/helpdesks/mine").get_data(as_text=True)
    refused = _follow(browser, browser.submit(cancel_url, {}, form_url="/helpdesks/mine"))
    assert "only be cancelled until 72 hours" in refused.get_data(as_text=True)
    browser.client.delete_cookie("session")
    browser.login(made["adviser_user"].email)
    day = slot.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Rome")).date()
    agenda_url = f"/helpdesks/agenda?day={day.isoformat()}"
    assert cancel_url in browser.get(agenda_url).get_data(as_text=True)
    response = browser.submit(cancel_url, {"next": "agenda"}, form_url=agenda_url)
    assert response.status_code == 302 and response.location.endswith("/helpdesks/agenda")
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "cancelled"


def test_agenda_times_follow_the_venue_into_another_zone(browser, make_desk, make_user):
    from zoneinfo import ZoneInfo

    from inducci_events.organisations.services import save_venue

    made = make_desk(rule=EVERY_DAY)
    slot = _first_free(made["desk"])
    services.book(make_user(), made["desk"].id, slot.adviser_id, slot.starts_at, topic="legal")
    browser.login(made["adviser_user"].email)
    day = slot.starts_at.astimezone(ZoneInfo("Europe/Rome")).date()
    rome = browser.get(f"/helpdesks/agenda?day={day.isoformat()}").get_data(as_text=True)
    assert slot.starts_at.astimezone(ZoneInfo("Europe/Rome")).strftime("%H:%M") + "–" in rome
    venue = made["venue"]
    save_venue(made["organiser"], made["org"].id, venue_id=venue.id, name=venue.name, street=venue.street,
               postcode=venue.postcode, city=venue.city, country=venue.country, timezone="Europe/London")
    london = browser.get(f"/helpdesks/agenda?day={day.isoformat()}").get_data(as_text=True)
    assert slot.starts_at.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M") + "–" in london
    assert "Europe/London" in london and "Europe/Rome" not in london


def test_organiser_overview_counts_people_topics_and_months(browser, make_desk, make_user):
    made = make_desk(rule=EVERY_DAY)
    desk = made["desk"]
    start = utcnow() + timedelta(days=2)
    slots = queries.free_slots([desk.id], start, start + timedelta(days=8))
    alice, bob = make_user(), make_user()
    services.book(alice, desk.id, slots[0].adviser_id, slots[0].starts_at, topic="crowdfunding")
    services.book(alice, desk.id, slots[1].adviser_id, slots[1].starts_at, topic="legal")
    third = services.book(bob, desk.id, slots[2].adviser_id, slots[2].starts_at, topic="crowdfunding")
    services.cancel(bob, third.id)
    browser.login(made["organiser"].email)
    overview = browser.get(f"/manage/{made['org'].slug}/helpdesks/").get_data(as_text=True)
    row = re.search(r'data-testid="desk-use">(.*?)</tr>', overview, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "2", "0", "0"]
    page = browser.get(f"/manage/{made['org'].slug}/helpdesks/{desk.id}/").get_data(as_text=True)
    assert "<td>crowdfunding</td><td>1</td>" in page and "<td>legal</td><td>1</td>" in page
    month = slots[0].starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Rome")).strftime("%B %Y")
    assert f"<td>{month}</td>" in page  # "December 2026", not 2026-12


def test_mentoring_visit_through_the_pages(browser, make_desk, make_user):
    made = make_desk(rule=None)
    person = make_user()
    browser.login(person.email)
    url = f"/helpdesks/{made['desk'].id}/mentoring"
    assert browser.submit(url, {"address": "", "topic": "acceleration"}).status_code == 422
    assert browser.submit(url, {"address": "Via Roma 1, Padova", "topic": "acceleration",
                                "preferred_periods": "Thursday mornings"}).status_code == 302
    assert "waiting for a proposal" in browser.get("/helpdesks/mine").get_data(as_text=True)
    browser.client.delete_cookie("session")
    browser.login(made["adviser_user"].email)
    agenda = browser.get("/helpdesks/agenda").get_data(as_text=True)
    assert "Thursday mornings" in agenda
    request_id = re.search(r"/helpdesks/mentoring/(\d+)/propose", agenda).group(1)
    when = (date.today() + timedelta(days=3)).isoformat() + "T10:00"
    assert browser.submit(f"/helpdesks/mentoring/{request_id}/propose", {"starts_at": when, "minutes": "90"}
                          ).status_code == 302
    browser.client.delete_cookie("session")
    browser.login(person.email)
    mine = browser.get("/helpdesks/mine").get_data(as_text=True)
    assert "proposes" in mine and "10:00" in mine
    accepted = _follow(browser, browser.submit(f"/helpdesks/mentoring/{request_id}/accept", {}, form_url="/helpdesks/mine"))
    page = accepted.get_data(as_text=True)
    assert "The mentoring visit is booked." in page and "Visit at Via Roma 1, Padova" in page
