"""Account rules: registration, log-in, sign-in sessions, API tokens, roles. One unit of work each."""
import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.auth import require_admin, token_loader
from ..core.db import unit_of_work, utcnow
from ..core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from ..extensions import db
from ..audit import services as audit
from ..mail.services import queue_message
from ..organisations.models import Organisation
from . import limits
from .models import ROLES, ApiToken, Membership, User, UserSession, hash_secret, new_calendar_token


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self):
        super().__init__(message=_("An account with this e-mail address already exists."),
                         fields={"email": [_("This e-mail address is already registered.")]})


def normalise_email(email):
    """The one rule for an e-mail address someone gives us (sign-up page, profile, API, CLI).

    Addresses are stored lower-cased and in ASCII, so that every SMTP server can carry our
    mail without the SMTPUTF8 extension (which many relays lack): an internationalised
    domain (``user@bücher.example``) is kept in its ``xn--`` form, while letters such as
    ü before the @ (``jürgen@example.org``) are refused, because such a mailbox can only be
    reached with SMTPUTF8. ``email-validator`` does the checking (no DNS look-up).

    :raises ValidationFailed: not a valid address, or one we cannot send to; the message
        is also under ``fields["email"]``, so forms show it next to the field.
    """
    email = (email or "").strip()
    try:
        checked = validate_email(email, allow_smtputf8=False, check_deliverability=False)
    except EmailNotValidError:
        if not email.rpartition("@")[0].isascii():
            message = _("We cannot send e-mail to addresses with letters such as ü or é before the @. "
                        "Please use another address.")
        else:
            message = _("This is not a valid e-mail address.")
        raise ValidationFailed("invalid_email", message, fields={"email": [message]}) from None
    return checked.ascii_email.lower()


def _lookup_email(email):
    """The stored form of ``email`` for a look-up (log-in, roles): an address that the rule
    refuses finds no one, or an account that was created before the rule, as it was typed."""
    try:
        return normalise_email(email)
    except ValidationFailed:
        return (email or "").strip().lower()


def check_password_rules(password):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationFailed(
            "password_too_short",
            _("The password must have at least %(n)d characters.", n=minimum),
            fields={"password": [_("At least %(n)d characters.", n=minimum)]},
        )


def find_user_by_email(email):
    return db.session.scalar(sa.select(User).where(User.email == _lookup_email(email)))


def register_user(email, password, name, locale="en", *, is_admin=False, accepted_privacy_notice=False):
    """Create an account and queue a welcome message. With ``accepted_privacy_notice`` the
    account records when, and which PRIVACY_NOTICE_VERSION of the notice, was accepted.

    E-mail addresses are unique regardless of case (stored lower-cased; the database's
    unique constraint refuses a racing duplicate too).

    :raises EmailTaken: the address (in any case) already has an account.
    :raises ValidationFailed: the password is too short.
    """
    email = normalise_email(email)
    limits.spend_credentials_budget(email)  # every sign-up counts (no-op outside a request)
    check_password_rules(password)
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        with unit_of_work() as session:
            if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
                raise EmailTaken()
            user = User(email=email, name=name.strip(), locale=locale, is_admin=is_admin,
                        password_hash=generate_password_hash(password))
            if accepted_privacy_notice:
                user.consent_at = utcnow()
                user.consent_version = str(current_app.config.get("PRIVACY_NOTICE_VERSION") or "1")[:40]
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

    Within a request, the credentials budget is checked first and a failure is counted, so
    pages and API share it (:mod:`.limits`).

    :raises Unauthorized: unknown e-mail or wrong password (the same message for both).
    :raises flask_limiter.RateLimitExceeded: (429) the budget of this account or address is spent.
    """
    limits.check_credentials_budget(_lookup_email(email))
    user = find_user_by_email(email)
    # Hash even for unknown users, so timing does not tell which e-mails exist.
    stored = user.password_hash if user else _DUMMY_HASH()
    if not check_password_hash(stored, password or "") or user is None:
        limits.count_credentials_attempt()
        raise Unauthorized("invalid_credentials", _("The e-mail address or the password is wrong."))
    if not user.is_active:  # told only to whoever knows the password
        raise Forbidden("account_deactivated",
                        _("This account has been deactivated. Ask the site's administrators to reactivate it."))
    return user


def _DUMMY_HASH(_cache={}):  # noqa: N802 - a lazily computed constant
    if "hash" not in _cache:
        _cache["hash"] = generate_password_hash(secrets.token_urlsafe(16))
    return _cache["hash"]


def update_profile(user, *, name, locale, new_password=None, current_password=None, keep_session_id=None):
    """Change a user's name, language and (given the current one) password.

    A new password ends every sign-in session but ``keep_session_id`` (the device that
    changed it) and revokes every API token. The e-mail address changes only through the
    link sent to the new address (:mod:`.email_change`).

    :raises Unauthorized: a new password without the right current password.
    :raises ValidationFailed: a new password that is too short.
    """
    if new_password:
        if not check_password_hash(user.password_hash, current_password or ""):
            raise Unauthorized("wrong_password", _("The current password is wrong."))
        check_password_rules(new_password)
    with unit_of_work() as session:
        user = session.get(User, user.id)
        user.name = name.strip()
        if locale in current_app.config["LANGUAGES"]:
            user.locale = locale
        if new_password:
            user.password_hash = generate_password_hash(new_password)
            end_sessions_and_tokens(session, user.id, keep_session_id=keep_session_id)
    return user


def check_locale(locale, field="locale"):
    """``locale`` when it is one of the interface languages (``LANGUAGES``).

    :raises ValidationFailed: (422) for any other value, naming ``field``.
    """
    if locale not in current_app.config["LANGUAGES"]:
        message = _("Choose one of these languages: %(languages)s.",
                    languages=", ".join(current_app.config["LANGUAGES"]))
        raise ValidationFailed(message=message, fields={field: [message]})
    return locale


def set_locale(user, locale):
    """Keep ``locale`` as the user's interface language (pages, API answers and mails).

    :raises ValidationFailed: a value that is not one of ``LANGUAGES``.
    """
    check_locale(locale)
    with unit_of_work() as session:
        user = session.get(User, user.id)
        user.locale = locale
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


_hash_token = hash_secret


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


def grant_role(email, org_slug, role, *, actor):
    """Make a user organiser or adviser of an organisation (idempotent); returns True if new.

    :raises Forbidden: ``actor`` is neither a site admin nor ``core.auth.COMMAND_LINE``.
    """
    require_admin(actor)
    user, org = _membership_target(email, org_slug, role)
    with unit_of_work() as session:
        exists = session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id, Membership.role == role))
        if exists is None:
            session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
            audit.record(session, actor=actor, action="membership.grant", subject_type="membership",
                         organisation_id=org.id, subject_user_id=user.id, summary=role,
                         changes={"role": [None, role]})
            return True
    return False


def revoke_role(email, org_slug, role, *, actor):
    """Take a role away; returns True if the user had it (recorded in the audit log).

    :raises Forbidden: ``actor`` is neither a site admin nor ``core.auth.COMMAND_LINE``.
    """
    require_admin(actor)
    user, org = _membership_target(email, org_slug, role)
    with unit_of_work() as session:
        result = session.execute(sa.delete(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id, Membership.role == role))
        if result.rowcount:
            audit.record(session, actor=actor, action="membership.revoke", subject_type="membership",
                         organisation_id=org.id, subject_user_id=user.id, summary=role,
                         changes={"role": [role, None]})
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


# --- sign-in sessions ----------------------------------------------------------------

#: How stale ``last_seen_at`` may get before a request moves it on: one UPDATE per session
#: and interval, not one per request.
SESSION_TOUCH = timedelta(minutes=5)


def _session_expiry(remember, now):
    config = current_app.config
    if remember:
        return now + timedelta(days=config["REMEMBER_DAYS"])
    return now + timedelta(hours=config["SESSION_IDLE_HOURS"])


def start_session(user, *, remember=False, user_agent=""):
    """Open a sign-in session for ``user`` (a log-in or a sign-up) and attach it for this
    request as ``user.current_session`` and ``user.session_secret``: the secret is what
    Flask-Login's cookies carry (``User.get_id``). Expired sessions (anyone's) go on the
    way, so the table holds live sessions only.
    """
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with unit_of_work(expire_on_commit=False) as session:
        session.execute(sa.delete(UserSession).where(UserSession.expires_at <= now))
        row = UserSession(user_id=user.id, token_hash=hash_secret(secret), created_at=now, last_seen_at=now,
                          user_agent=(user_agent or "")[:512], remember=bool(remember),
                          expires_at=_session_expiry(remember, now))
        session.add(row)
    user.current_session, user.session_secret = row, secret
    return row


def user_for_session(secret):
    """The user of the live sign-in session ``secret`` (Flask-Login's user loader), or ``None``.

    One indexed query loads the session with its user; ``last_seen_at`` (and, without
    remember-me, the idle expiry) moves on at most every :data:`SESSION_TOUCH`.
    """
    if not secret:
        return None
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == hash_secret(secret))
                            .options(joinedload(UserSession.user)))
    now = utcnow()
    if row is None or row.expires_at <= now:
        return None
    user = row.user
    if now - row.last_seen_at >= SESSION_TOUCH:
        values = {"last_seen_at": now}
        if not row.remember:
            values["expires_at"] = _session_expiry(False, now)
        with unit_of_work(expire_on_commit=False) as session:
            session.execute(sa.update(UserSession).where(UserSession.id == row.id).values(**values))
    user.current_session, user.session_secret = row, secret
    return user


def active_sessions(user):
    """``user``'s live sign-in sessions ("devices"), the most recently seen first."""
    return db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()


def end_session(user, session_id):
    """Sign one of ``user``'s devices out: its cookies log nobody in any more.

    :raises NotFound: ``user`` has no such session.
    """
    with unit_of_work() as session:
        result = session.execute(sa.delete(UserSession).where(UserSession.id == session_id,
                                                              UserSession.user_id == user.id))
    if result.rowcount == 0:
        raise NotFound("session_not_found", _("This device is not signed in (any more)."))


def sign_out_everywhere(user):
    """End every sign-in session of ``user`` (this device's too) and revoke every API token.
    Returns ``(sessions, tokens)``: how many were ended."""
    with unit_of_work() as session:
        return end_sessions_and_tokens(session, user.id)


def end_sessions_and_tokens(session, user_id, *, keep_session_id=None):
    """Inside a unit of work: delete ``user_id``'s sessions (but ``keep_session_id``) and revoke
    the API tokens. A password change uses it, "sign out everywhere" too, a reset will."""
    ended = sa.delete(UserSession).where(UserSession.user_id == user_id)
    if keep_session_id is not None:
        ended = ended.where(UserSession.id != keep_session_id)
    sessions = session.execute(ended).rowcount
    tokens = session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    return sessions, tokens


def set_active(email, active, *, actor):
    """Deactivate an account (it can no longer log in; every sign-in session and API token
    ends at once) or reactivate it. Recorded in the audit log. Returns the user.

    :raises Forbidden: ``actor`` is neither a site admin nor ``core.auth.COMMAND_LINE``.
    :raises NotFound: no account has this address.
    """
    require_admin(actor)
    user = find_user_by_email(email)
    if user is None:
        raise NotFound("user_not_found", _("No account has the e-mail address %(email)s.", email=email))
    with unit_of_work() as session:
        user = session.get(User, user.id)
        if active == user.is_active:
            return user
        user.deactivated_at = None if active else utcnow()
        if not active:
            end_sessions_and_tokens(session, user.id)
        audit.record(session, actor=actor, action="user.reactivate" if active else "user.deactivate",
                     subject_type="user", subject_id=user.id, subject_user_id=user.id)
    return user
