"""Reach pages, forms, CSV and API: what organisers see, and what others are refused."""
import re
from datetime import datetime, timezone

from inducci_events.extensions import db
from inducci_events.organisations.models import ReachTarget
from inducci_events.reach.services import save_target
from inducci_events.workshops import services as workshops
from tests.conftest import count


def _login(browser, user):
    browser.login(user.email)


def test_organiser_adds_edits_and_removes_a_target(browser, pilot):
    _login(browser, pilot.organiser)
    url = f"/reach/programmes/{pilot.programme.id}/targets/new"
    response = browser.submit(url, {"label": "Exhibitors", "value": "15", "metric": "exhibitors"})
    assert response.status_code == 302
    target = db.session.scalars(db.select(ReachTarget)).one()
    assert (target.label, target.value, target.metric) == ("Exhibitors", 15, "exhibitors")

    page = browser.get(f"/reach/programmes/{pilot.programme.id}").get_data(as_text=True)
    assert "Exhibitors" in page and "0 of 15 reached" in page and "<progress" in page

    edit = f"/reach/programmes/{pilot.programme.id}/targets/{target.id}/edit"
    response = browser.submit(edit, {"label": "Exhibitors", "value": "0", "metric": "exhibitors"})
    assert response.status_code == 422  # a target of 0 is no target
    response = browser.submit(edit, {"label": "Exhibitors", "value": "20", "metric": "nonsense"})
    assert response.status_code == 422
    assert browser.submit(edit, {"label": "Shelves", "value": "20", "metric": "exhibitors"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReachTarget, target.id).label == "Shelves"

    response = browser.submit(f"/reach/targets/{target.id}/delete", {},
                              form_url=f"/reach/programmes/{pilot.programme.id}")
    assert response.status_code == 302
    assert count(ReachTarget) == 0


def test_organiser_enters_daily_visitor_counts(browser, pilot):
    target = save_target(pilot.organiser, pilot.programme.id, label="Visitors from the public", value=100,
                         metric="manual")
    _login(browser, pilot.organiser)
    url = f"/reach/targets/{target.id}/tally"
    assert browser.submit(url, {"day": "2027-05-03", "count": "42"}).status_code == 302
    assert browser.submit(url, {"day": "2027-05-04", "count": "-1"}).status_code == 422
    assert browser.submit(url, {"day": "10000-01-01", "count": "1"}).status_code == 422
    page = browser.get(f"/reach/programmes/{pilot.programme.id}").get_data(as_text=True)
    assert "42 of 100 reached" in page

    counted = save_target(pilot.organiser, pilot.programme.id, label="Exhibitors", value=15, metric="exhibitors")
    response = browser.submit(f"/reach/targets/{counted.id}/tally", {"day": "2027-05-03", "count": "4"})
    assert response.status_code == 422  # counted from the bookings, not by hand


def test_organiser_of_another_organisation_is_refused(browser, api, pilot, make_organiser):
    target = save_target(pilot.organiser, pilot.programme.id, label="Visitors", value=100, metric="manual")
    stranger, _other = make_organiser()
    _login(browser, stranger)
    pid = pilot.programme.id
    assert browser.get(f"/reach/programmes/{pid}").status_code == 403
    assert browser.get(f"/reach/programmes/{pid}/reach.csv").status_code == 403
    assert browser.get(f"/reach/organisations/{pilot.org.slug}").status_code == 403
    own_form = f"/manage/{_other.slug}/"
    for url, data in ((f"/reach/programmes/{pid}/targets/new", {"label": "X", "value": "1", "metric": "manual"}),
                      (f"/reach/programmes/{pid}/targets/{target.id}/edit",
                       {"label": "X", "value": "1", "metric": "manual"}),
                      (f"/reach/targets/{target.id}/delete", {}),
                      (f"/reach/targets/{target.id}/tally", {"day": "2027-05-03", "count": "5"})):
        assert browser.submit(url, data, form_url=own_form).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(ReachTarget, target.id).label == "Visitors"
    token = api.token_for(stranger.email)
    response = api.get(f"/api/v1/programmes/{pid}/reach", token=token)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_organiser"
    assert api.get(f"/api/v1/programmes/{pid}/reach").status_code == 401


def test_monthly_chart_has_one_bar_per_month_and_csv_is_for_excel(browser, pilot):
    save_target(pilot.organiser, pilot.programme.id, label="Visitors", value=100, metric="manual")
    save_target(pilot.organiser, pilot.programme.id, label="Challenges", value=4, metric="challenges")
    _login(browser, pilot.organiser)
    response = browser.get(f"/reach/programmes/{pilot.programme.id}?from=2027-01&until=2027-06")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'<rect class="bar"', page)) == 6  # one chart (the planned metric has none yet)
    assert "not counted yet" in page
    assert "style=" not in page  # the CSP allows no inline styles
    assert browser.get(f"/reach/programmes/{pilot.programme.id}?from=2027-07&until=2027-06").status_code == 422
    assert browser.get(f"/reach/programmes/{pilot.programme.id}?from=2020-01&until=2027-06").status_code == 422

    csv = browser.get(f"/reach/programmes/{pilot.programme.id}/reach.csv?from=2027-01&until=2027-03")
    body = csv.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body[1:].split("\r\n")
    assert lines[0].split(";")[-3:] == ['"2027-01"', '"2027-02"', '"2027-03"']
    assert lines[1].startswith('"CCI Showcase";"Visitors";')


def test_months_follow_the_organisation_time_zone(api, organiser, make_user, programme_of):
    """A session at 00:30 on 1 May in Linz is 22:30 UTC on 30 April: it counts for May."""
    user, org, venue = organiser
    programme = programme_of(user, org, "Boot camp")
    save_target(user, programme.id, label="Attended", value=10, metric="people_attended")
    starts = datetime(2027, 4, 30, 22, 30, tzinfo=timezone.utc)
    event = workshops.create_event(user, org.id, title="Night module", capacity=5, status="published",
                                   programme_id=programme.id,
                                   sessions=[dict(title="Night", venue_id=venue.id, starts_at=starts,
                                                  ends_at=starts.replace(hour=23, minute=30))])
    person = make_user()
    enrolment = workshops.enrol(person, event.id)
    workshops.set_attendance(user, db.session.get(type(event), event.id).sessions[0].id, enrolment.id)

    token = api.token_for(user.email)
    response = api.get(f"/api/v1/programmes/{programme.id}/reach?by=month&from=2027-04&until=2027-05", token=token)
    assert response.status_code == 200, response.get_json()
    [target] = response.get_json()["targets"]
    assert target == {"label": "Attended", "target": 10, "actual": 1, "unit": "people", "metric": "people_attended",
                      "months": [{"month": "2027-04", "actual": 0}, {"month": "2027-05", "actual": 1}]}
    plain = api.get(f"/api/v1/programmes/{programme.id}/reach", token=token).get_json()
    assert "months" not in plain["targets"][0]
    assert api.get(f"/api/v1/programmes/{programme.id}/reach?by=week", token=token).status_code == 422
    assert api.get(f"/api/v1/programmes/{programme.id}/reach?by=month&from=2027-13",
                   token=token).status_code == 422


def test_overview_for_admins_and_partners_not_for_others(browser, pilot, make_user):
    save_target(pilot.organiser, pilot.programme.id, label="Visitors", value=100, metric="manual")
    _login(browser, pilot.organiser)  # an organiser of a partner
    page = browser.get("/reach/").get_data(as_text=True)
    assert "CCI Showcase" in page and "Visitors" in page
    other = make_user()
    browser.client.delete_cookie("session")
    _login(browser, other)
    assert browser.get("/reach/").status_code == 403
    assert browser.get(f"/reach/organisations/{pilot.org.slug}").status_code == 403
