"""``/organisations`` and their venues."""
from flask import jsonify

from ..core.auth import api_user, require_organiser, token_required
from ..core.http import validate_json_form
from ..organisations import queries, services
from ..organisations.forms import VenueForm
from . import bp
from .schema import errors, obj, ok, operation, path_param, ref
from .serialise import organisation_json, venue_json


@bp.get("/organisations")
def list_organisations():
    return jsonify([organisation_json(o) for o in queries.all_organisations()])


@bp.get("/organisations/<slug>/venues")
def list_venues(slug):
    org = queries.organisation_by_slug(slug)
    return jsonify([venue_json(v) for v in queries.venues_of(org)])


@bp.post("/organisations/<slug>/venues")
@token_required
def create_venue(slug):
    org = queries.organisation_by_slug(slug)
    # Check the role before the input, so outsiders learn nothing from validation.
    require_organiser(api_user(), org.id)
    form = validate_json_form(VenueForm)
    venue = services.save_venue(api_user(), org.id, **{
        name: getattr(form, name).data
        for name in ("name", "street", "postcode", "city", "country", "timezone", "description")
    })
    return jsonify(venue_json(venue)), 201


SCHEMAS = {
    "Organisation": obj({
        "slug": {"type": "string"}, "name": {"type": "string"}, "region": {"type": "string"},
        "country": {"type": "string"}, "timezone": {"type": "string"}, "default_locale": {"type": "string"},
        "is_partner": {"type": "boolean", "description": "one of the eight InduCCI partners"},
    }, required=["slug", "name", "region", "country", "timezone"]),
    "Venue": obj({
        "id": {"type": "integer"}, "organisation": {"type": "string"}, "name": {"type": "string"},
        "street": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"},
        "country": {"type": "string"}, "address": {"type": "string"}, "timezone": {"type": "string"},
        "description": {"type": "string"},
    }, required=["id", "name", "city", "country", "timezone"]),
}

_slug = path_param("slug", "string")

PATHS = {
    "/organisations": {"get": operation(
        "The partner organisations", ok("All partners", {"type": "array", "items": ref("Organisation")}),
        tags=["organisations"])},
    "/organisations/{slug}/venues": {
        "get": operation("Venues of a partner",
                         {**ok("Venues", {"type": "array", "items": ref("Venue")}), **errors(404)},
                         params=[_slug], tags=["organisations"]),
        "post": operation(
            "Add a venue (organisers of this organisation)",
            {**ok("Created", ref("Venue"), status="201"), **errors(400, 401, 403, 404, 422)},
            params=[_slug], auth=True, tags=["organisations"],
            body=obj({"name": {"type": "string"}, "street": {"type": "string"}, "postcode": {"type": "string"},
                      "city": {"type": "string"}, "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                      "timezone": {"type": "string", "description": "IANA, e.g. Europe/Vienna"},
                      "description": {"type": "string"}},
                     required=["name", "city", "country", "timezone"])),
    },
}
