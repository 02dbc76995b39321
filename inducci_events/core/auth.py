"""Access checks shared by every feature: pages, API and services use the same ones."""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from .errors import Forbidden, Unauthorized


def require_organiser(user, organisation_id):
    """Refuse unless ``user`` organises ``organisation_id`` (admins may act everywhere).

    :raises Forbidden: for anyone else, so no organiser touches another partner's data.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()
    if not user.is_organiser_of(organisation_id):
        raise Forbidden("not_organiser", _("Only organisers of this organisation may do this."))


def require_adviser(user, organisation_id):
    """Refuse unless ``user`` advises (or organises) ``organisation_id``."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()
    if not (user.is_adviser_of(organisation_id) or user.is_organiser_of(organisation_id)):
        raise Forbidden("not_adviser", _("Only advisers of this organisation may do this."))


_token_loader = None


def token_loader(loader):
    """Register the function that maps a bearer token to a user (accounts does this)."""
    global _token_loader
    _token_loader = loader
    return loader


def api_user():
    """The user authenticated by the request's bearer token, or ``None``."""
    return g.get("api_user")


def token_required(view):
    """API routes: require ``Authorization: Bearer <token>`` (the session cookie is ignored,
    so the CSRF-exempt API cannot be driven by another site through a browser)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing_token", _("Send an API token: Authorization: Bearer <token>."))
        user = _token_loader(token.strip())
        if user is None:
            raise Unauthorized("invalid_token", _("The API token is unknown, expired or revoked."))
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper



class _CommandLine:
    """The operator at the command line (``flask organisations …``, ``flask users …``): may do
    what an admin may; recorded in the audit log without an account."""

    id = None
    is_authenticated = True
    is_admin = True

    def __repr__(self):
        return "COMMAND_LINE"


#: The actor that CLI commands pass to services that check who acts.
COMMAND_LINE = _CommandLine()


def require_admin(user):
    """Refuse unless ``user`` is a site administrator (organisations, members, users) or the
    operator at the command line (:data:`COMMAND_LINE`).

    :raises Unauthorized: nobody is logged in.
    :raises Forbidden: a logged-in user who is not an admin.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()
    if not user.is_admin:
        raise Forbidden("not_admin", _("Only site administrators may do this."))
