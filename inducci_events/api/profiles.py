"""``/me/profile``, the ``/profiles`` directory and messages to a profile.

Nothing here ever answers an e-mail address: profiles carry the owner's name only, and a
message is relayed by e-mail through the app.
"""
from marshmallow import fields

from ..core.auth import api_user
from ..core.errors import NotFound
from ..profiles import queries, rules, services
from ..profiles.models import KINDS
from . import bp
from .schema import Body, Bool, Bounded, Id, OneOf, Out, Query, Text

# --- input ---------------------------------------------------------------------------


class ProfileIn(Body):
    """Tags are normalised (lower case, single spaces, duplicates dropped); languages are
    two- or three-letter codes."""

    kind = OneOf(KINDS, required=True)
    headline = Text(rules.HEADLINE_MAX, required=True)
    about = Text(rules.ABOUT_MAX, load_default="")
    skills = Bounded(Text(rules.TAG_MAX + 20), rules.MAX_TAGS, load_default=list)
    sectors = Bounded(Text(rules.TAG_MAX + 20), rules.MAX_TAGS, load_default=list)
    region = Text(rules.REGION_MAX, load_default="")
    languages = Bounded(Text(10), rules.MAX_LANGUAGES, load_default=list)
    offers = Text(rules.OFFERS_MAX, load_default="")
    needs = Text(rules.NEEDS_MAX, load_default="")
    visible = Bool(load_default=False)


class ProfileFilter(Query):
    q = Text(200, metadata={"description": "words searched in headline, about, offers, needs, skills and sectors"})
    skill = Text(rules.TAG_MAX + 20)
    sector = Text(rules.TAG_MAX + 20)
    region = Text(rules.REGION_MAX)
    kind = OneOf(KINDS)
    language = Text(10, metadata={"description": "a language code, e.g. de"})


class MessageIn(Body):
    subject = Text(rules.MESSAGE_SUBJECT_MAX, required=True)
    body = Text(rules.MESSAGE_MAX, required=True, metadata={"description": "at least 10 characters"})


# --- output --------------------------------------------------------------------------


class Profile(Out):
    id = Id(required=True)
    name = fields.String(required=True, metadata={"description": "the owner's name (never an e-mail address)"})
    kind = OneOf(KINDS, required=True)
    headline = fields.String(required=True)
    about = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    sectors = fields.List(fields.String(), required=True)
    region = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    offers = fields.String(required=True)
    needs = fields.String(required=True)
    visible = fields.Boolean(required=True)
    updated_at = fields.DateTime(required=True)


class MessageSent(Out):
    id = Id(required=True)
    status = OneOf(("sent",), required=True, dump_default="sent")


# --- routes --------------------------------------------------------------------------


@bp.operation("/me/profile", "GET", tag="profiles", auth=True, errors=(404,))
@bp.response(200, Profile)
def my_profile():
    """The caller's profile (404 ``profile_not_found`` before the first ``PUT``)."""
    profile = queries.profile_of(api_user())
    if profile is None:
        raise NotFound("profile_not_found", rules.not_found_message())
    return profile


@bp.operation("/me/profile", "PUT", tag="profiles", auth=True, errors=(422,))
@bp.arguments(ProfileIn)
@bp.response(200, Profile)
def put_my_profile(data):
    """Create or replace the caller's profile (one per user); ``visible: false`` keeps it out
    of the directory and every public answer."""
    return services.save_profile(api_user(), **data)


@bp.operation("/profiles", "GET", tag="profiles")
@bp.arguments(ProfileFilter, location="query")
@bp.response(200, Profile(many=True))
@bp.paginate()
def list_profiles(args):
    """Visible profiles matching every filter given (skills, sectors and regions compared
    case-insensitively); never e-mail addresses."""
    return queries.search(**args)


@bp.operation("/profiles/<int:profile_id>", "GET", tag="profiles", errors=(404,))
@bp.response(200, Profile)
def get_profile(profile_id):
    """One visible profile (a hidden one is 404, like one that does not exist)."""
    return queries.public_profile_or_404(profile_id)


@bp.operation("/profiles/<int:profile_id>/messages", "POST", tag="profiles", auth=True,
              errors=(404, 422, 429))
@bp.arguments(MessageIn)
@bp.response(201, MessageSent)
def write_to_profile(data, profile_id):
    """Write to a profile's owner: relayed by e-mail in their language with the caller's name
    and a reply link, never an address (429 ``too_many_messages`` past the hourly limit)."""
    message = services.write_to_profile(api_user(), profile_id, subject=data["subject"], body=data["body"])
    return {"id": message.id, "status": "sent"}
