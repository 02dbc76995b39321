"""``/organisations`` and their venues."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..accounts import services as accounts
from ..accounts.models import ROLES, User
from ..core.auth import api_user, require_admin
from ..core.errors import NotFound
from ..extensions import db
from ..organisations import queries, services
from . import bp
from .schema import Body, Bool, Email, Id, OneOf, Out, Text


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


# --- administration (site admins) ----------------------------------------------------

_LOCALE = {"description": "default language of the organisation's texts"}


class OrganisationChanges(Body):
    name = Text(200)
    short_name = Text(80)
    region = Text(120)
    country = Text(2, metadata={"pattern": "^[A-Za-z]{2}$"})
    timezone = Text(64, metadata={"description": "IANA, e.g. Europe/Vienna"})
    default_locale = Text(8, metadata=_LOCALE)
    is_partner = Bool()
    website = Text(300)
    description = Text(20000)


class NewOrganisation(OrganisationChanges):
    slug = Text(60, required=True, metadata={"pattern": "^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$"})
    name = Text(200, required=True)
    country = Text(2, required=True, metadata={"pattern": "^[A-Za-z]{2}$"})
    timezone = Text(64, required=True, metadata={"description": "IANA, e.g. Europe/Vienna"})
    region = Text(120, load_default="")
    default_locale = Text(8, load_default="en", metadata=_LOCALE)
    is_partner = Bool(load_default=False)


class NewMember(Body):
    email = Email(required=True)
    role = OneOf(ROLES, required=True)


class Member(Out):
    user_id = Id(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    created = fields.Boolean(required=True, metadata={"description": "false when the person had the role already"})


class MemberRole(Body):
    role = OneOf(ROLES, metadata={"description": "only this role (default: every role there)"})


class Removed(Out):
    removed = fields.Boolean(required=True)


def _languages():
    return set(current_app.config["LANGUAGES"])


@bp.operation("/organisations", "POST", tag="organisations", auth=True, errors=(403, 409))
@bp.arguments(NewOrganisation)
@bp.response(201, Organisation)
def create_organisation(data):
    """Create an organisation (site admins; 409 ``slug_taken``)."""
    slug = data.pop("slug")
    return services.create_organisation(api_user(), slug, languages=_languages(), **data)


@bp.operation("/organisations/<slug>", "PATCH", tag="organisations", auth=True, errors=(403, 404))
@bp.arguments(OrganisationChanges)
@bp.response(200, Organisation)
def update_organisation(data, slug):
    """Change the given fields of an organisation (site admins; the slug never changes)."""
    return services.update_organisation(api_user(), slug, languages=_languages(), **data)


@bp.operation("/organisations/<slug>/members", "POST", tag="organisations", auth=True, errors=(403, 404))
@bp.arguments(NewMember)
@bp.response(201, Member)
def add_member(data, slug):
    """Make an existing account organiser or adviser of the organisation (site admins)."""
    created = accounts.grant_role(data["email"], slug, data["role"], actor=api_user())
    user = accounts.find_user_by_email(data["email"])
    return {"user_id": user.id, "email": user.email, "name": user.name, "role": data["role"], "created": created}


@bp.operation("/organisations/<slug>/members/<int:user_id>", "DELETE", tag="organisations", auth=True,
              errors=(403, 404))
@bp.arguments(MemberRole, location="query", required=False)
@bp.response(200, Removed)
def remove_member(args, slug, user_id):
    """Take the role (or every role) at the organisation away from a person (site admins)."""
    require_admin(api_user())
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", _l("There is no such user."))
    removed = False
    for role in ([args["role"]] if args.get("role") else ROLES):
        removed = accounts.revoke_role(user.email, slug, role, actor=api_user()) or removed
    return {"removed": removed}
