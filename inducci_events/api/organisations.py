"""``/organisations`` and their venues."""
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..core.auth import api_user
from ..organisations import queries, services
from . import bp
from .schema import Body, Id, Out, Text


class Organisation(Out):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.String(required=True)
    country = fields.String(required=True)
    timezone = fields.String(required=True)
    default_locale = fields.String(required=True)
    is_partner = fields.Boolean(required=True, metadata={"description": "one of the eight InduCCI partners"})


class Venue(Out):
    id = Id(required=True)
    organisation = fields.String(required=True, attribute="organisation.slug")
    name = fields.String(required=True)
    street = fields.String(required=True)
    postcode = fields.String(required=True)
    city = fields.String(required=True)
    country = fields.String(required=True)
    address = fields.String(required=True)
    timezone = fields.String(required=True)
    description = fields.String(required=True)


class NewVenue(Body):
    name = Text(200, required=True)
    street = Text(200, load_default="")
    postcode = Text(20, load_default="")
    city = Text(120, required=True)
    country = Text(2, required=True, validate=validate.Regexp(r"^[A-Za-z]{2}$", error=_l("Two letters, e.g. DE.")),
                   metadata={"pattern": "^[A-Za-z]{2}$"})
    timezone = Text(64, required=True, metadata={"description": "IANA, e.g. Europe/Vienna"})
    description = Text(5000, load_default="")


@bp.operation("/organisations", "GET", tag="organisations")
@bp.response(200, Organisation(many=True))
def list_organisations():
    """The partner organisations."""
    return queries.all_organisations()


@bp.operation("/organisations/<slug>/venues", "GET", tag="organisations", errors=(404,))
@bp.response(200, Venue(many=True))
def list_venues(slug):
    """Venues of a partner."""
    return queries.venues_of(queries.organisation_by_slug(slug))


@bp.operation("/organisations/<slug>/venues", "POST", tag="organisations", auth=True, errors=(403, 404))
@bp.arguments(NewVenue)
@bp.response(201, Venue)
def create_venue(data, slug):
    """Add a venue (organisers of this organisation)."""
    return services.save_venue(api_user(), queries.organisation_by_slug(slug).id, **data)
