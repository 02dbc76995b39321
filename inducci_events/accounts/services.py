"""Account rules: registration, log-in, API tokens, roles. One unit of work each."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.auth import token_loader
from ..core.db import unit_of_work, utcnow
from ..core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from ..extensions import db
from ..mail.services import queue_message
from ..organisations.models import Organisation
from .models import ROLES, ApiToken, Membership, User, new_calendar_token


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self):
        super().__init__(message=_("An account with this e-mail address already exists."),
                         fields={"email": [_("This e-mail address is already registered.")]})


def normalise_email(email):
    return (email or "").strip().lower()


def _check_password(password):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationFailed(
            "password_too_short",
            _("The password must have at least %(n)d characters.", n=minimum),
            fields={"password": [_("At least %(n)d characters.", n=minimum)]},
        )


def find_user_by_email(email):
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register_user(email, password, name, locale="en", *, is_admin=False):
    """Create an account and queue a welcome message.

    E-mail addresses are unique regardless of case (stored lower-cased; the database's
    unique constraint refuses a racing duplicate too).

    :raises EmailTaken: the address (in any case) already has an account.
    :raises ValidationFailed: the password is too short.
    """
    email = normalise_email(email)
    _check_password(password)
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        with unit_of_work() as session:
            if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
                raise EmailTaken()
            user = User(email=email, name=name.strip(), locale=locale, is_admin=is_admin,
                        password_hash=generate_password_hash(password))
            session.add(user)
            session.flush()
            queue_message(kind="account_created", template="account_created", recipient_email=user.email,
                          recipient_name=user.name, locale=user.locale, user_id=user.id,
                          context={"name": user.name})
    except IntegrityError:
        raise EmailTaken() from None
    return user


def authenticate(email, password):
    """The user with these credentials.

    :raises Unauthorized: unknown e-mail or wrong password (the same message for both).
    """
    user = find_user_by_email(email)
    # Hash even for unknown users, so timing does not tell which e-mails exist.
    stored = user.password_hash if user else _DUMMY_HASH()
    if not check_password_hash(stored, password or "") or user is None:
        raise Unauthorized("invalid_credentials", _("The e-mail address or the password is wrong."))
    return user


def _DUMMY_HASH(_cache={}):  # noqa: N802 - a lazily computed constant
    if "hash" not in _cache:
        _cache["hash"] = generate_password_hash(secrets.token_urlsafe(16))
    return _cache["hash"]


def update_profile(user, *, name, locale, new_password=None, current_password=None):
    """Change a user's name, language and (given the current one) password.

    :raises Unauthorized: a new password without the right current password.
    """
    if new_password:
        if not check_password_hash(user.password_hash, current_password or ""):
            raise Unauthorized("wrong_password", _("The current password is wrong."))
        _check_password(new_password)
    with unit_of_work() as session:
        user = session.get(User, user.id)
        user.name = name.strip()
        if locale in current_app.config["LANGUAGES"]:
            user.locale = locale
        if new_password:
            user.password_hash = generate_password_hash(new_password)
    return user


def set_calendar_alarm(user, minutes):
    """Set the alarm the personal calendar feed puts before each item (``None``: none)."""
    with unit_of_work() as session:
        user = session.get(User, user.id)
        user.calendar_alarm_minutes = minutes
    return user


def set_mail_reminders(user, enabled):
    """Turn the 24-hours-ahead reminder e-mails on or off (confirmations always go out)."""
    with unit_of_work() as session:
        user = session.get(User, user.id)
        user.mail_reminders = bool(enabled)
    return user


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user, name="API"):
    """A new API token for ``user``; returns ``(plain_token, ApiToken)``.

    The plain token is shown once; only its SHA-256 is stored.
    """
    plain = secrets.token_urlsafe(32)
    with unit_of_work() as session:
        token = ApiToken(
            user_id=user.id, name=name[:120], token_hash=_hash_token(plain),
            expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]),
        )
        session.add(token)
    return plain, token


@token_loader
def user_for_token(plain):
    """The user of an active token, or ``None`` (unknown, expired or revoked)."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(plain))
                              .options(joinedload(ApiToken.user)))
    if token is None or not token.is_active(utcnow()):
        return None
    return token.user


def revoke_token(plain):
    """Revoke the token ``plain`` (used by ``DELETE /api/v1/auth/token``)."""
    with unit_of_work() as session:
        token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(plain)))
        if token is None or token.revoked_at is not None:
            raise Unauthorized("invalid_token", _("The API token is unknown, expired or revoked."))
        token.revoked_at = utcnow()


def revoke_all_tokens(user):
    """Revoke every API token of ``user``; returns how many were active."""
    with unit_of_work() as session:
        now = utcnow()
        tokens = session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ).all()
        for token in tokens:
            token.revoked_at = now
    return len(tokens)


def active_tokens(user):
    now = utcnow()
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return [t for t in tokens if t.is_active(now)]


def _membership_target(email, org_slug, role):
    if role not in ROLES:
        raise ValidationFailed("unknown_role", _("The role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    user = find_user_by_email(email)
    if user is None:
        raise NotFound("user_not_found", _("No account has the e-mail address %(email)s.", email=email))
    org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        raise NotFound("organisation_not_found", _("There is no organisation %(slug)s.", slug=org_slug))
    return user, org


def grant_role(email, org_slug, role):
    """Make a user organiser or adviser of an organisation (idempotent); returns True if new."""
    user, org = _membership_target(email, org_slug, role)
    with unit_of_work() as session:
        exists = session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id, Membership.role == role))
        if exists is None:
            session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
            return True
    return False


def revoke_role(email, org_slug, role):
    """Take a role away; returns True if the user had it."""
    user, org = _membership_target(email, org_slug, role)
    with unit_of_work() as session:
        result = session.execute(sa.delete(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id, Membership.role == role))
    return result.rowcount > 0


def regenerate_calendar_token(user):
    """Give ``user`` a new feed secret; every old personal and organiser feed URL then answers 404."""
    with unit_of_work() as session:
        user = session.get(User, user.id)
        user.calendar_token = new_calendar_token()
    return user


def user_for_calendar_token(token):
    if not token:
        return None
    return db.session.scalar(sa.select(User).where(User.calendar_token == token))
