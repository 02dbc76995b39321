"""Forgotten passwords: a one-time reset link by e-mail, valid for an hour (PASSWORD_RESET_SECONDS).

The link (see :mod:`.links`) holds the user's id and a fingerprint of the current password
hash and address: setting a new password (or a new address) changes it, so a used link,
and every link issued before, stops working.
"""
from flask import current_app
from werkzeug.security import generate_password_hash

from ..core.db import unit_of_work
from ..extensions import db
from ..mail.services import queue_message, render
from . import limits, services
from .links import TokenInvalid, absolute_url, fingerprint, sign, unsign
from .models import User

__all__ = ["TokenInvalid", "request_reset", "reset_link", "reset_password", "user_for_token"]

_SALT = "inducci-password-reset"


def _account_print(user):
    """Changes with the password and with the address: a link mailed to an address the
    account no longer uses stops working."""
    return fingerprint(f"{user.password_hash}\n{user.email}")


def reset_link(user):
    """The absolute reset URL for ``user`` (mails, ``flask users reset-link``)."""
    return absolute_url("accounts.reset_link", token=sign(_SALT, user.id, _account_print(user)))


def request_reset(email):
    """Mail a reset link to the account with ``email``, if there is one.

    The caller answers the same whether or not it exists, so the form reveals no addresses;
    the message is rendered either way, so the time taken tells little more. Each request
    spends the credentials budget of the address asked for and of the client (429 once spent),
    which also bounds how many mails one address can be sent.

    :raises flask_limiter.RateLimitExceeded: the budget is spent.
    """
    limits.spend_credentials_budget(email)
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    with unit_of_work():
        user = services.find_user_by_email(email or "")
        if user is None:
            render("password_reset", current_app.config["BABEL_DEFAULT_LOCALE"], {"name": "", "link": "", "minutes": minutes})
            return
        queue_message(kind="password_reset", template="password_reset", recipient_email=user.email,
                      recipient_name=user.name, locale=user.locale, user_id=user.id,
                      context={"name": user.name, "link": reset_link(user), "minutes": minutes})


def user_for_token(token):
    """The user a valid, unused, unexpired token belongs to.

    :raises TokenInvalid: a forged, used or expired token (400 ``token_invalid``).
    """
    try:
        user_id, hash_print = unsign(_SALT, token, current_app.config["PASSWORD_RESET_SECONDS"])
    except ValueError:  # a genuine token of another shape
        raise TokenInvalid() from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id < 2**31 else None
    if user is None or _account_print(user) != hash_print:
        raise TokenInvalid()
    return user


def reset_password(token, new_password):
    """Set a new password with a reset token; every earlier link then stops working.

    Every sign-in session and API token of the account ends (whoever had the old password
    is out), this browser's too: the person logs in with the new password.

    :raises TokenInvalid: see :func:`user_for_token`.
    :raises ValidationFailed: a password that is too short.
    """
    services.check_password_rules(new_password)
    with unit_of_work() as session:
        user = user_for_token(token)
        user = session.get(User, user.id)
        user.password_hash = generate_password_hash(new_password)
        services.end_sessions_and_tokens(session, user.id)  # every device and API token, this one too
    return user
