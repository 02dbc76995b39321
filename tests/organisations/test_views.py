from inducci_events.extensions import db
from inducci_events.organisations.models import Programme, Venue
from tests.conftest import count


def test_home_page_lists_partners_and_programmes(client, runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    page = client.get("/").get_data(as_text=True)
    for name in ("Economic Development Corporation Chemnitz", "Creative Region Linz &amp; Upper Austria",
                 "Microregion Sokolov-East", "Regional Development Agency Bielsko-Biala",
                 "Padova Chamber of Commerce", "Business Support Centre Kranj", "STEBO"):
        assert name in page
    for programme in ("KRACH+", "CCI Showcase", "Growth-hacking boot camp", "CCI Factory mentorship"):
        assert programme in page


def test_organiser_creates_a_programme_and_sets_its_targets_on_the_reach_page(browser, make_organiser):
    user, org = make_organiser()
    browser.login(user.email)
    response = browser.submit(f"/manage/{org.slug}/programmes/new", {"title": "CCI Showcase", "summary": "A showroom"})
    assert response.status_code == 302
    programme = db.session.query(Programme).one()
    assert programme.targets == []
    edit = browser.get(f"/manage/{org.slug}/programmes/{programme.id}/edit").get_data(as_text=True)
    assert f"/reach/programmes/{programme.id}" in edit
    response = browser.submit(f"/reach/programmes/{programme.id}/targets/new",
                              {"label": "visitors", "value": "100", "metric": "manual"})
    assert response.status_code == 302
    detail = browser.get(f"/organisations/{org.slug}").get_data(as_text=True)
    assert "100 visitors" in detail
    # Saving the programme again leaves its targets (and what counts towards them) alone.
    assert browser.submit(f"/manage/{org.slug}/programmes/{programme.id}/edit",
                          {"title": "CCI Showcase 2027"}).status_code == 302
    db.session.expire_all()
    assert [(t.value, t.label, t.metric) for t in db.session.get(Programme, programme.id).targets] == [
        (100, "visitors", "manual")]


def test_organiser_edits_a_venue_and_its_time_zone_is_checked(browser, make_organiser):
    user, org = make_organiser()
    browser.login(user.email)
    url = f"/manage/{org.slug}/venues/new"
    bad = browser.submit(url, {"name": "Shop", "city": "Chemnitz", "country": "DE", "timezone": "Berlin"})
    assert bad.status_code == 422 and "IANA" in bad.get_data(as_text=True)
    ok = browser.submit(url, {"name": "Shop", "city": "Chemnitz", "country": "de", "timezone": "Europe/Berlin"})
    assert ok.status_code == 302
    venue = db.session.query(Venue).one()
    assert venue.country == "DE"
    edit = browser.submit(f"/manage/{org.slug}/venues/{venue.id}/edit",
                          {"name": "Shop 2", "city": "Chemnitz", "country": "DE", "timezone": "Europe/Berlin"})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(Venue, venue.id).name == "Shop 2"


def test_organisers_cannot_touch_another_organisation(browser, make_organiser, make_org):
    user, _own = make_organiser()
    other = make_org()
    browser.login(user.email)
    assert browser.get(f"/manage/{other.slug}/").status_code == 403
    response = browser.submit(f"/manage/{other.slug}/venues/new",
                              {"name": "Mine now", "city": "X", "country": "DE", "timezone": "Europe/Berlin"},
                              form_url=f"/manage/{_own.slug}/venues/new")
    assert response.status_code == 403
    assert count(Venue) == 0


def test_a_venue_of_another_organisation_is_not_found_under_mine(browser, make_organiser):
    user, own = make_organiser()
    other_user, other = make_organiser()
    from inducci_events.organisations import services

    venue = services.save_venue(other_user, other.id, name="Theirs", street="", postcode="", city="X",
                                country="DE", timezone="Europe/Berlin")
    browser.login(user.email)
    assert browser.get(f"/manage/{own.slug}/venues/{venue.id}/edit").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, make_org):
    org = make_org()
    response = client.get(f"/manage/{org.slug}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
