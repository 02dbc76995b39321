"""``/admin/``: site admins create organisations and manage their members; nobody else may."""
import pytest

from inducci_events.accounts.models import Membership
from inducci_events.extensions import db
from inducci_events.organisations.models import Organisation
from tests.conftest import count


@pytest.fixture
def admin(make_user, browser):
    user = make_user(email="admin@example.org", admin=True)
    browser.login(user.email)
    return user


def test_admin_creates_a_partner_and_makes_someone_its_organiser(admin, browser, make_user):
    organiser = make_user(email="it@example.org", name="Iris Tal")
    response = browser.submit("/admin/organisations/new", {
        "slug": "linz", "name": "Business Upper Austria", "country": "at", "timezone": "Europe/Vienna",
        "region": "Linz", "default_locale": "de", "is_partner": "y"})
    assert response.status_code == 302
    org = db.session.query(Organisation).one()
    assert (org.slug, org.country, org.default_locale, org.is_partner) == ("linz", "AT", "de", True)

    response = browser.submit("/admin/organisations/linz/members", {"email": "IT@example.org", "role": "organiser"})
    assert response.status_code == 302
    page = browser.get("/admin/organisations/linz/members").get_data(as_text=True)
    assert "Iris Tal" in page and "Organiser" in page
    assert db.session.get(type(organiser), organiser.id).is_organiser_of(org.id)

    # The new organiser manages the organisation.
    browser.submit("/logout", {}, form_url="/")
    browser.login(organiser.email)
    assert browser.get("/manage/linz/").status_code == 200


def test_removing_a_role_takes_the_organisers_access_away(admin, browser, make_organiser):
    user, org = make_organiser()
    page = browser.get(f"/admin/organisations/{org.slug}/members").get_data(as_text=True)
    assert user.email in page
    response = browser.submit(f"/admin/organisations/{org.slug}/members/{user.id}/organiser/remove", {},
                              form_url=f"/admin/organisations/{org.slug}/members")
    assert response.status_code == 302
    assert count(Membership) == 0


def test_bad_values_are_shown_next_to_the_fields_and_nothing_is_saved(admin, browser):
    response = browser.submit("/admin/organisations/new", {
        "slug": "Linz!", "name": "X", "country": "AT", "timezone": "Mars/Olympus", "default_locale": "en"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "lower-case letters" in page and "Not an IANA time zone" in page
    assert count(Organisation) == 0


def test_editing_keeps_the_slug_and_refuses_an_unknown_member(admin, browser, make_org):
    org = make_org(slug="kranj", name="BSC Kranj", country="SI", timezone="Europe/Ljubljana")
    response = browser.submit("/admin/organisations/kranj/edit", {
        "name": "Business Support Centre Kranj", "country": "SI", "timezone": "Europe/Ljubljana",
        "default_locale": "en", "slug": "hijack"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "Business Support Centre Kranj" and org.slug == "kranj" and not org.is_partner

    response = browser.submit("/admin/organisations/kranj/members", {"email": "nobody@example.org",
                                                                    "role": "adviser"})
    assert response.status_code == 422 and "nobody@example.org" in response.get_data(as_text=True)


def test_admins_reach_each_organisations_programmes_and_venues(admin, browser, make_org):
    make_org(slug="limburg", name="STEBO")
    page = browser.get("/admin/").get_data(as_text=True)
    assert 'href="/manage/limburg/"' in page
    assert browser.get("/manage/limburg/").status_code == 200  # admins manage every organisation


def test_users_are_found_by_part_of_name_or_email(admin, browser, make_user):
    make_user(email="anna.kovac@example.org", name="Anna Kovač")
    page = browser.get("/admin/?q=kovač").get_data(as_text=True)
    assert "anna.kovac@example.org" in page


def test_only_admins_get_in(browser, client, make_organiser):
    assert client.get("/admin/").status_code == 302  # to the log-in page
    user, org = make_organiser()
    browser.login(user.email)
    assert browser.get("/admin/").status_code == 403
    response = browser.submit("/admin/organisations/new", {"slug": "x", "name": "X", "country": "AT",
                                                          "timezone": "Europe/Vienna", "default_locale": "en"},
                              form_url="/")
    assert response.status_code == 403
    assert count(Organisation) == 1
