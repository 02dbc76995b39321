"""Signed one-time links in e-mails (password reset, e-mail change).

A link carries its values, when it was issued, and a fingerprint of what it may change
(the password hash, the current address), signed with the app's SECRET_KEY by
itsdangerous. Once that changes, the link (and every other one issued before) stops
working, with no table of tokens; after ``max_seconds`` it stops working anyway.
"""
import hashlib
from datetime import datetime, timedelta, timezone

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..core.db import utcnow
from ..core.errors import BadRequest
from ..mail.messages import url_context


class TokenInvalid(BadRequest):
    code = "token_invalid"

    def __init__(self):
        super().__init__(message=_("This link has expired or has already been used. Ask for a new one."))


def fingerprint(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sign(salt, *values):
    """A token holding ``values`` and the time of issue."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(
        [*values, int(utcnow().timestamp())])


def unsign(salt, token, max_seconds):
    """The values :func:`sign` put in ``token``, if it is genuine and younger than ``max_seconds``.

    :raises TokenInvalid: forged, mangled or expired.
    """
    try:
        *values, issued = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(token or "")
        issued_at = datetime.fromtimestamp(int(issued), timezone.utc)
    except (BadSignature, ValueError, TypeError, OverflowError, OSError):
        raise TokenInvalid() from None
    if not (issued_at <= utcnow() < issued_at + timedelta(seconds=max_seconds)):
        raise TokenInvalid()
    return values


def absolute_url(endpoint, **values):
    """An absolute URL for a mail (the command line and workers too: see ``url_context``)."""
    with url_context():
        path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"] + path
