"""``/users``, ``/auth/token``, ``/me`` and the caller's calendar URLs."""
import marshmallow as ma
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..accounts import passwords, privacy, services
from ..calendar.views import feed_urls
from ..core.auth import api_user
from . import bp
from .schema import Bool, Body, Email, Id, OneOf, Out, Text, check_text

#: ``locale`` values the API accepts (others than the configured languages fall back to the default).
LOCALES = ("en", "de", "cs", "pl", "it", "sl", "nl")


class Password(fields.String):
    """A password: taken as typed (not trimmed), at most 1024 characters, at least the
    configured ``PASSWORD_MIN_LENGTH``."""

    def __init__(self, **kwargs):
        extra = kwargs.pop("validate", None)
        super().__init__(validate=[ma.validate.Length(max=1024)] + ([extra] if extra else []), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return check_text(super()._deserialize(value, attr, data, **kwargs))


def _long_enough(value):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(value) < minimum:
        raise ma.ValidationError(str(_l("The password must have at least %(n)d characters.", n=minimum)))


class SignUp(Body):
    email = Email(required=True)
    password = Password(required=True, validate=_long_enough,
                        metadata={"description": "at least PASSWORD_MIN_LENGTH (default 10) characters"})
    name = Text(120, required=True)
    locale = OneOf(LOCALES, load_default="en")
    accept_privacy_notice = Bool(metadata={
        "description": "true: the person has read and accepted the privacy notice (/privacy); the account "
                       "records the date and PRIVACY_NOTICE_VERSION. Clients should send it; false is refused."})

    @ma.validates("accept_privacy_notice")
    def _accepted(self, value, **kwargs):
        if value is not True:
            raise ma.ValidationError(str(_l("Accept the privacy notice (/privacy) or leave this field out.")))


class MeChanges(Body):
    name = Text(120, min_length=1)
    locale = OneOf(LOCALES, metadata={"description": "the language of answers, mails and pages"})


class User(Out):
    id = Id(required=True)
    email = fields.String(required=True, metadata={"format": "email"})
    name = fields.String(required=True)


class Membership(Out):
    organisation = fields.String(required=True, attribute="organisation.slug")
    organisation_name = fields.String(required=True, attribute="organisation.name")
    role = OneOf(("organiser", "adviser"), required=True)


class Me(User):
    locale = fields.String(required=True)
    roles = fields.List(OneOf(("user", "admin", "organiser", "adviser")), required=True)
    memberships = fields.List(fields.Nested(Membership), required=True)

    @ma.post_dump
    def _sorted(self, data, **kwargs):
        data["memberships"].sort(key=lambda m: (m["organisation"], m["role"]))
        return data


class Credentials(Body):
    email = Text(254, required=True)
    password = Password(required=True)
    name = Text(120, metadata={"description": "a label for the token"})


class Token(Out):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class Revoked(Out):
    revoked = fields.Boolean(required=True)


class OrganiserFeed(Out):
    organisation = fields.String(required=True)
    name = fields.String(required=True)
    feed_url = fields.Url(required=True, metadata={"format": "uri"})
    webcal_url = fields.String(required=True)


class CalendarUrls(Out):
    feed_url = fields.Url(required=True, metadata={"format": "uri"})
    webcal_url = fields.String(required=True)
    organiser_feed_urls = fields.List(fields.Nested(OrganiserFeed), attribute="organiser_feeds",
                                      metadata={"description": "organisers and advisers: one feed per organisation"})

    @ma.post_dump
    def _only_for_organisers(self, data, **kwargs):
        if not data.get("organiser_feed_urls"):
            data.pop("organiser_feed_urls", None)
        return data


@bp.operation("/users", "POST", tag="accounts", errors=(409, 429))
@bp.arguments(SignUp)
@bp.response(201, User)
def create_user(data):
    """Create an account (409 ``email_taken``)."""
    return services.register_user(data["email"], data["password"], data["name"], data["locale"],
                                  accepted_privacy_notice=data.get("accept_privacy_notice", False))


@bp.operation("/auth/token", "POST", tag="accounts", errors=(401, 403, 429))
@bp.arguments(Credentials)
@bp.response(200, Token)
def create_token(data):
    """Exchange e-mail and password for a bearer token (401 ``invalid_credentials``)."""
    user = services.authenticate(data["email"], data["password"])
    agent = "".join(c for c in request.user_agent.string if c.isprintable())
    token, record = services.issue_token(user, data.get("name") or agent or "API")
    return {"token": token, "expires_at": record.expires_at}


@bp.operation("/auth/token", "DELETE", tag="accounts", auth=True)
@bp.response(200, Revoked)
def revoke_token():
    """Revoke the token sent with this request."""
    services.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())
    return {"revoked": True}


@bp.operation("/me", "GET", tag="accounts", auth=True)
@bp.response(200, Me)
def me():
    """The authenticated user with roles and memberships."""
    return api_user()


class MyData(Out):
    exported_at = fields.String(required=True)
    account = fields.Dict(required=True)
    sessions = fields.List(fields.Dict(), required=True)
    api_tokens = fields.List(fields.Dict(), required=True)
    enrolments = fields.List(fields.Dict(), required=True, metadata={"description": "with the answers given"})
    space_bookings = fields.List(fields.Dict(), required=True)
    appointments = fields.List(fields.Dict(), required=True)
    mentoring_requests = fields.List(fields.Dict(), required=True)
    adviser_profile = fields.Dict(metadata={"description": "advisers only"})
    emails = fields.List(fields.Dict(), required=True, metadata={"description": "kind, dates and subject"})
    changes_by_organisers = fields.List(fields.Dict(), required=True,
                                        metadata={"description": "audit entries about the caller's data"})
    profile = fields.Dict(metadata={"description": "the public profile and the messages sent and received "
                                                   "through the directory"})
    feedback = fields.Dict(metadata={"description": "questionnaires answered; named answers in full"})


class DeleteAccount(Body):
    password = Password(required=True)


class Deleted(Out):
    deleted = fields.Boolean(required=True)


@bp.operation("/me/export", "GET", tag="accounts", auth=True)
@bp.response(200, MyData)
def export_my_data():
    """Every personal datum the service holds about the caller, as one document."""
    return privacy.export_data(api_user())


@bp.operation("/me", "DELETE", tag="accounts", auth=True, errors=(400, 401, 413, 422))
@bp.arguments(DeleteAccount)
@bp.response(200, Deleted)
def delete_me(data):
    """Erase the caller's account (401 ``wrong_password``): future enrolments, bookings and
    appointments are cancelled (seats go to the waitlist, organisers are told); name, e-mail,
    answers and messages are erased; anonymous counts survive; the e-mail can sign up again."""
    privacy.delete_account(api_user(), data["password"])
    return {"deleted": True}


@bp.operation("/me", "PATCH", tag="accounts", auth=True)
@bp.arguments(MeChanges)
@bp.response(200, Me)
def update_me(data):
    """Change the caller's name or language (``locale``: one of en de cs pl it sl nl)."""
    user = api_user()
    return services.update_profile(user, name=data.get("name", user.name), locale=data.get("locale", user.locale))


@bp.operation("/me/calendar", "GET", tag="calendars", auth=True)
@bp.response(200, CalendarUrls)
def my_calendar():
    """The secret URLs of the user's personal feed (and, for organisers and advisers, one per organisation)."""
    return feed_urls(api_user())


@bp.operation("/me/calendar/regenerate", "POST", tag="calendars", auth=True)
@bp.response(200, CalendarUrls)
def regenerate_my_calendar():
    """New secret feed URLs; the old ones answer 404 from now on."""
    return feed_urls(services.regenerate_calendar_token(api_user()))


class ForgotPassword(Body):
    email = Text(254, required=True)


class ResetPassword(Body):
    token = Text(500, required=True, metadata={"description": "from the e-mailed link"})
    password = Password(required=True, validate=_long_enough)


class Accepted(Out):
    accepted = fields.Boolean(required=True)


class Reset(Out):
    reset = fields.Boolean(required=True)


@bp.operation("/password/forgot", "POST", tag="accounts", errors=(429,))
@bp.arguments(ForgotPassword)
@bp.response(202, Accepted)
def forgot_password(data):
    """Mail a one-time link to set a new password; the same answer whether or not the address
    has an account (429 when the credentials budget is spent)."""
    passwords.request_reset(data["email"])
    return {"accepted": True}


@bp.operation("/password/reset", "POST", tag="accounts", errors=(400,))
@bp.arguments(ResetPassword)
@bp.response(200, Reset)
def reset_password(data):
    """Set a new password with the token of the e-mailed link (400 ``token_invalid`` once used
    or expired); every session, remember-me cookie and API token of the account ends."""
    passwords.reset_password(data["token"], data["password"])
    return {"reset": True}
