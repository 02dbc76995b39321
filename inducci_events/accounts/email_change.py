"""Changing one's e-mail address: it changes only when the link sent to the new address is opened.

Asking (profile page, with the current password) mails a link to the new address and a
notice to the old one; nothing changes yet, so a typo cannot lock anyone out and nobody
can move an account to an address they do not read. The link (see :mod:`.links`) holds
the user's id, the new address and a fingerprint of the current one: once the address has
changed, it and every other link issued before stop working; after
``EMAIL_CHANGE_SECONDS`` (a day by default) they stop anyway.
"""
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from ..core.db import unit_of_work
from ..core.errors import Unauthorized
from ..extensions import db
from ..mail.services import queue_message
from . import limits
from .links import TokenInvalid, absolute_url, fingerprint, sign, unsign
from .models import User
from .services import EmailTaken, normalise_email

_SALT = "inducci-email-change"


def _taken(session, email):
    return session.scalar(sa.select(User.id).where(User.email == email)) is not None


def link_hours():
    """How long the link works, in whole hours as the messages say it (rounded up)."""
    return max(1, -(-current_app.config["EMAIL_CHANGE_SECONDS"] // 3600))


def request_email_change(user, new_email, current_password):
    """Mail a confirmation link to ``new_email`` (and a notice to the current address).

    Returns the normalised new address, or ``None`` when it is empty or the current one.

    :raises Unauthorized: the current password is wrong.
    :raises ValidationFailed: an address :func:`.services.normalise_email` refuses.
    :raises EmailTaken: another account has it.
    :raises flask_limiter.RateLimitExceeded: the credentials budget is spent (each request mails a stranger's address).
    """
    if not (new_email or "").strip() or new_email.strip().lower() == user.email:
        return None
    email = normalise_email(new_email)
    if email == user.email:
        return None
    limits.spend_credentials_budget(user.email)
    if not check_password_hash(user.password_hash, current_password or ""):
        raise Unauthorized("wrong_password", message=_("The current password is wrong."))
    hours = link_hours()
    link = absolute_url("accounts.confirm_email_link", token=sign(_SALT, user.id, email, fingerprint(user.email)))
    with unit_of_work() as session:
        if _taken(session, email):
            raise EmailTaken()
        queue_message(kind="email_change", template="email_change", recipient_email=email,
                      recipient_name=user.name, locale=user.locale, user_id=user.id,
                      context={"name": user.name, "link": link, "hours": hours, "email": email})
        queue_message(kind="email_change_notice", template="email_change_notice", recipient_email=user.email,
                      recipient_name=user.name, locale=user.locale, user_id=user.id,
                      context={"name": user.name, "email": email})
    return email


def _values(token):
    try:
        user_id, email, old_print = unsign(_SALT, token, current_app.config["EMAIL_CHANGE_SECONDS"])
    except ValueError:  # a genuine token of another shape
        raise TokenInvalid() from None
    if not (isinstance(user_id, int) and 0 < user_id < 2**31 and isinstance(email, str)):
        raise TokenInvalid()
    return user_id, email, old_print


def pending_change(token):
    """``(user, new_email)`` for a valid, unused, unexpired link.

    :raises TokenInvalid: a forged, used or expired link (400 ``token_invalid``).
    """
    user_id, email, old_print = _values(token)
    user = db.session.get(User, user_id)
    if user is None or fingerprint(user.email) != old_print:
        raise TokenInvalid()
    return user, email


def confirm_email_change(token):
    """Give the account the new address of the link; returns the user.

    :raises TokenInvalid: see :func:`pending_change`.
    :raises EmailTaken: someone signed up with the address in the meantime.
    """
    user_id, email, old_print = _values(token)
    try:
        with unit_of_work() as session:
            user = session.get(User, user_id, with_for_update=True)
            if user is None or fingerprint(user.email) != old_print:
                raise TokenInvalid()  # used already (the address changed since), or no such account
            if _taken(session, email):
                raise EmailTaken()
            user.email = email
    except IntegrityError:
        raise EmailTaken() from None
    return user
