from inducci_events.organisations.models import Venue
from tests.conftest import count

VENUE = {"name": "Kovačnica", "street": "Cesta 37", "postcode": "4000", "city": "Kranj", "country": "SI",
         "timezone": "Europe/Ljubljana"}


def test_list_organisations_and_venues(api, make_org):
    make_org(slug="kranj", name="BSC Kranj", timezone="Europe/Ljubljana", country="SI")
    orgs = api.get("/api/v1/organisations").get_json()
    assert orgs == [{"slug": "kranj", "name": "BSC Kranj", "region": "Region", "country": "SI",
                     "timezone": "Europe/Ljubljana", "default_locale": "en", "is_partner": True}]
    assert api.get("/api/v1/organisations/kranj/venues").get_json() == []
    assert api.get("/api/v1/organisations/nowhere/venues").status_code == 404


def test_organiser_adds_a_venue_to_their_own_organisation_only(api, make_organiser, make_org):
    user, org = make_organiser(slug="kranj")
    other = make_org(slug="padova")
    token = api.token_for(user.email)
    created = api.post("/api/v1/organisations/kranj/venues", VENUE, token=token)
    assert created.status_code == 201
    assert created.get_json()["address"] == "Cesta 37, 4000 Kranj, SI"

    refused = api.post(f"/api/v1/organisations/{other.slug}/venues", VENUE, token=token)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_organiser"

    bad_zone = api.post("/api/v1/organisations/kranj/venues", dict(VENUE, timezone="Mars/Olympus"), token=token)
    assert bad_zone.status_code == 422 and "timezone" in bad_zone.get_json()["error"]["fields"]
    assert count(Venue) == 1
