"""Feedback through HTTP: the pages (with CSRF) and the JSON API."""
import sqlalchemy as sa

from inducci_events.extensions import db
from inducci_events.feedback.models import Response
from tests.conftest import Browser, count


def _questions_text():
    return "rating: How was it? *\nchoice: You are | a worker | a manager\ntext: What should change?"


def test_organiser_attaches_a_questionnaire_attendee_answers_once_organiser_reads_summary(
        held_event, browser, client):
    held = held_event(attendees=1)
    slug, event_id = held.org.slug, held.event_id
    browser.login(held.organiser.email)
    edit_url = f"/manage/{slug}/events/{event_id}/feedback"
    response = browser.submit(edit_url, {"questions": _questions_text(), "anonymous": "y"})
    assert response.status_code == 302
    page = browser.get(edit_url).get_data(as_text=True)
    assert "The questionnaire has been saved." in page and "choice: You are | a worker | a manager" in page
    attendee = Browser(client.application.test_client())  # another person, own cookies
    attendee.login(held.attendees[0].email)
    url = f"/events/{event_id}/feedback"
    form = attendee.get(url).get_data(as_text=True)
    assert "Your answers are stored without your name" in form
    from inducci_events.feedback.queries import form_of

    q = {x.kind: x.field_name for x in form_of(event_id).questions}
    answers = {q["rating"]: "5", q["choice"]: "a manager", q["text"]: "Less <b>noise</b>"}
    assert attendee.submit(url, answers).status_code == 302
    again = attendee.submit(url, answers, form_url=f"/events/{event_id}")
    assert again.status_code == 409
    assert "You have already answered this questionnaire" in again.get_data(as_text=True)
    assert count(Response) == 1

    summary = browser.get(f"/manage/{slug}/events/{event_id}/feedback/summary")
    html = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "<svg" in html and "<script" not in html
    assert "Less &lt;b&gt;noise&lt;/b&gt;" in html and "1 answer · 1 person attended" in html
    locked = browser.get(edit_url).get_data(as_text=True)
    assert "can no longer be changed" in locked

    csv = browser.get(f"/manage/{slug}/events/{event_id}/feedback.csv")
    body = csv.get_data()
    assert csv.status_code == 200 and body.startswith("\ufeff".encode())
    assert body.decode("utf-8").splitlines()[1] == '"5";"a manager";"Less <b>noise</b>"'


def test_the_answer_page_refuses_people_who_did_not_attend(held_event, browser, with_form, make_user):
    held = held_event(attendees=1)
    with_form(held)
    stranger = make_user()
    browser.login(stranger.email)
    page = browser.get(f"/events/{held.event_id}/feedback")
    assert page.status_code == 200 and "Only people who attended" in page.get_data(as_text=True)
    posted = browser.submit(f"/events/{held.event_id}/feedback", {"q_1": "5"})
    assert posted.status_code == 403 and count(Response) == 0


def test_another_organisations_organiser_is_refused(held_event, with_form, make_organiser, browser, api):
    held = held_event(attendees=1)
    with_form(held)
    stranger, _org = make_organiser()
    browser.login(stranger.email)
    for url in (f"/manage/{held.org.slug}/events/{held.event_id}/feedback",
                f"/manage/{held.org.slug}/events/{held.event_id}/feedback/summary",
                f"/manage/{held.org.slug}/events/{held.event_id}/feedback.csv"):
        assert browser.get(url).status_code in (403, 404), url
    token = api.token_for(stranger.email)
    assert api.get(f"/api/v1/events/{held.event_id}/feedback/summary", token=token).status_code == 403
    put = api.put(f"/api/v1/events/{held.event_id}/feedback-form",
                  {"questions": [{"text": "Mine?", "kind": "text"}]}, token=token)
    assert put.status_code == 403 and put.get_json()["error"]["code"] == "not_organiser"


def test_the_api_round_trip(held_event, api):
    held = held_event(attendees=2)
    organiser = api.token_for(held.organiser.email)
    url = f"/api/v1/events/{held.event_id}"
    put = api.put(f"{url}/feedback-form", {"anonymous": False, "questions": [
        {"text": "How was it?", "kind": "rating", "required": True},
        {"text": "You are", "kind": "choice", "choices": ["a worker", "a manager"]},
        {"text": "Anything else?", "kind": "text"}]}, token=organiser)
    assert put.status_code == 200, put.get_json()
    form = put.get_json()
    assert form["locked"] is False and [q["kind"] for q in form["questions"]] == ["rating", "choice", "text"]
    ids = [str(q["id"]) for q in form["questions"]]

    first, second = (api.token_for(p.email) for p in held.attendees)
    bad = api.post(f"{url}/feedback", {"answers": {ids[0]: 9}}, token=first)
    assert bad.status_code == 422
    ok = api.post(f"{url}/feedback", {"answers": {ids[0]: 4, ids[1]: "a worker", ids[2]: "Fine"}}, token=first)
    assert ok.status_code == 201 and ok.get_json() == {"event_id": held.event_id, "answered": True}
    twice = api.post(f"{url}/feedback", {"answers": {ids[0]: 1}}, token=first)
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_answered"
    assert api.post(f"{url}/feedback", {"answers": {ids[0]: 2}}, token=second).status_code == 201

    summary = api.get(f"{url}/feedback/summary", token=organiser).get_json()
    rating, choice, text = summary["questions"]
    assert summary["responses"] == 2 and summary["attendees"] == 2 and summary["anonymous"] is False
    assert rating["count"] == 2 and rating["mean"] == 3.0
    assert {b["label"]: b["count"] for b in rating["distribution"]} == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert choice["distribution"] == [{"label": "a worker", "count": 1}, {"label": "a manager", "count": 0}]
    assert text["texts"] == ["Fine"]
    assert api.get(f"{url}/feedback/summary", token=first).status_code == 403

    locked = api.put(f"{url}/feedback-form", {"questions": [{"text": "New?", "kind": "text"}]}, token=organiser)
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "feedback_form_locked"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 2


def test_api_refuses_before_the_event_ends(held_event, api, with_form):
    held = held_event(attendees=1, ended_days_ago=-3)  # still ahead
    with_form(held)
    token = api.token_for(held.attendees[0].email)
    response = api.post(f"/api/v1/events/{held.event_id}/feedback", {"answers": {"1": 3}}, token=token)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "event_not_over"
