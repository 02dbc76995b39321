"""Turning errors into responses: the JSON error object for the API, pages elsewhere.

Every 4xx/5xx under ``/api/`` is ``{"error": {"code", "message", "fields"?}}``; a
page request gets the error page (or, for a DomainError raised by a form's service,
the view catches it itself and re-renders the form with the message).

Client input never causes a 500: bodies over ``MAX_CONTENT_LENGTH`` are refused (413)
before anything reads them, NUL bytes and broken UTF-8 in query strings and bodies are
refused (400, or 422 under ``/api/``), ids beyond the database's integer range do not
match a route (404), and a database that is gone or restarting answers 503 with
``Retry-After``.
"""
import re
import time
from urllib.parse import unquote_to_bytes, urlsplit

import sqlalchemy as sa
from flask import current_app, flash, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from ..extensions import db
from .errors import BadRequest, DomainError, RateLimited, ValidationFailed

API_PREFIX = "/api/"

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

#: The largest id a database ``INTEGER`` column holds (PostgreSQL's, and ours on SQLite).
MAX_DATABASE_ID = 2**31 - 1

#: Seconds a client should wait after a 503 before trying again.
RETRY_AFTER_SECONDS = 5


def _digits_at_most(limit):
    """A regular expression for the decimal numbers from 0 to ``limit`` (no sign)."""
    text = str(limit)
    options = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        rest = len(text) - i - 1
        low = 1 if i == 0 and rest else 0  # no leading zero in the longest numbers
        if int(digit) > low:
            options.append(f"{text[:i]}[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: an id the database can hold, else no route matches
    (404) instead of the database refusing the number (a 500). The limit is in the regular
    expression, so a route split by method answers 404 too (werkzeug would say 405 for a
    value its converter refuses only after the path matched)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.max = MAX_DATABASE_ID if self.max is None else min(self.max, MAX_DATABASE_ID)
        if not self.fixed_digits and not self.signed:
            self.regex = _digits_at_most(self.max)


def safe_next(default):
    """The ``next`` argument when it is a path on this site (no open redirect), else ``default``."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not parts.netloc and not parts.scheme):
        return target
    return default


def back_or(default):
    """Where the user came from (the Referer) when that is this site, else ``default``."""
    referrer = request.referrer
    return referrer if referrer and referrer.startswith(request.host_url) else default


def wants_json():
    return request.path.startswith(API_PREFIX)


def error_response(error):
    """A DomainError as the API error object (JSON) or the error page (HTML)."""
    if wants_json():
        response = jsonify(error.to_dict())
        response.status_code = error.status
        return response
    return render_template("errors/error.html", error=error), error.status


def flash_error(error):
    """Show a refused action to a person on the next page."""
    flash(str(error.message), "error")


def show_error_on_form(form, error):
    """Put a refused action's messages next to the fields they concern (or flash them)."""
    if not error.fields:
        flash_error(error)
        return
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            flash(" ".join(str(m) for m in messages), "error")
        else:
            field.errors = list(field.errors) + [str(m) for m in messages]


# --- hostile input: refused before any view (or CSRFProtect) reads it ------------------

#: A NUL byte, or a lone surrogate (which only a JSON ``\ud800`` escape can produce).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _bad_urlencoded(raw):
    """The name of the first parameter in a query string or urlencoded body (bytes) that
    holds a NUL byte or is not UTF-8 (a lone surrogate included), else ``None``."""
    if b"%" not in raw and b"\0" not in raw and raw.isascii():
        return None
    for part in raw.split(b"&"):
        name, _sep, value = part.partition(b"=")
        name, value = (unquote_to_bytes(x.replace(b"+", b" ")) for x in (name, value))
        try:
            name.decode("utf-8"), value.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if b"\0" not in name and b"\0" not in value:
                continue
        return name.decode("utf-8", "replace").replace("\0", "")[:100] or "?"
    return None


def _bad_json(data):
    """The dotted path of the first JSON string (key or value) with a NUL or a lone surrogate."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _FORBIDDEN.search(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{path}.{key}" if path else str(key)
                if _FORBIDDEN.search(str(key)):
                    return _FORBIDDEN.sub("", here)[:100]
                stack.append((here, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def _refuse_characters(name):
    message = _("“%(name)s” contains a character that is not allowed (a NUL byte or invalid UTF-8).", name=name)
    if wants_json():
        raise ValidationFailed(message=message, fields={name: [message]})
    raise BadRequest("invalid_characters", message)


def _size(limit):
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"{limit // 2**20} MB"
    return f"{limit // 1024} kB" if limit >= 1024 else f"{limit} bytes"


def refuse_hostile_input():
    """The first ``before_request`` hook: refuse, before anything parses them, bodies over
    ``MAX_CONTENT_LENGTH`` (413), path parts, query values and form or JSON bodies with NUL
    bytes or invalid UTF-8 (a lone surrogate), so no view, form or database sees them."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and _FORBIDDEN.search(value):
            raise NotFound()
    name = _bad_urlencoded(request.query_string)
    if name is not None:
        _refuse_characters(name)
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        # Read (and keep) the raw body: werkzeug would decode broken UTF-8 without a word.
        # The stream is limited to MAX_CONTENT_LENGTH, also without a Content-Length.
        name = _bad_urlencoded(request.get_data(cache=True))
    elif mimetype == "multipart/form-data":
        name = next((_FORBIDDEN.sub("", key)[:100] or "?" for key, value in request.form.items(multi=True)
                     if _FORBIDDEN.search(key) or _FORBIDDEN.search(value)), None)
    elif request.is_json and request.content_length:
        try:
            name = _bad_json(request.get_json(silent=True))
        except RecursionError:  # nested deeper than the parser goes
            raise BadRequest("malformed_json", _("The JSON body is nested too deeply.")) from None
    if name is not None:
        _refuse_characters(name)


# --- errors that are not the client's input ----------------------------------------------

def _rollback_quietly():
    """End the request's failed transaction, so the error page may read (the user, the
    language) on a fresh connection; a dead connection has been invalidated already."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the database is gone: nothing to roll back
        current_app.logger.warning("could not roll back after a database error", exc_info=True)


def _plain_error(domain):
    """The error without the database (no user, no language, no layout): English."""
    if wants_json():
        response = jsonify(domain.to_dict())
    else:
        response = current_app.response_class(
            f"<!doctype html><title>{domain.status}</title><h1>{domain.status}</h1><p>{escape(domain.message)}</p>",
            mimetype="text/html")
    response.status_code = domain.status
    return response


def _database_unavailable(error):
    """The database went away (a restart, a killed connection, a full pool): 503 with
    ``Retry-After``. The transaction was rolled back, so nothing half-written stays, and
    the pool replaces the dead connection (``pool_pre_ping``), so no restart is needed."""
    current_app.logger.warning("database unavailable: %s", error, exc_info=True)
    _rollback_quietly()
    message = "The service is busy or restarting. Try again in a few seconds."
    domain = DomainError("service_unavailable", message)
    domain.status = 503
    try:
        domain.message = _("The service is busy or restarting. Try again in a few seconds.")
        response = make_response(error_response(domain))
    except Exception:  # noqa: BLE001 - the page itself needs the database
        _rollback_quietly()
        domain.message = message
        response = _plain_error(domain)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _value_out_of_range(error):
    """A value the database or the calendar cannot hold that no check caught earlier."""
    current_app.logger.warning("value out of range: %s", error, exc_info=True)
    _rollback_quietly()
    return error_response(ValidationFailed(message=_("A value in the request is out of range.")))
def _retry_after(error):
    """Seconds until the breached rate limit lets requests through again (for ``Retry-After``):
    from the limiter that refused, else the limit's whole window, else a minute."""
    for limiter in current_app.extensions.get("limiter", ()):
        limit = limiter.current_limit
        if limit is not None and limit.breached:
            try:
                return max(1, int(limit.reset_at - time.time()))
            except Exception:  # the storage went away meanwhile
                break
    limit = getattr(error, "limit", None)
    return limit.limit.get_expiry() if limit is not None else 60


def init_app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_hostile_input)

    @app.errorhandler(DomainError)
    def _domain_error(error):
        return error_response(error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return error_response(BadRequest(
            "csrf_failed",
            _("The form has expired or was sent from elsewhere. Reload the page and try again."),
        ))

    @app.errorhandler(429)
    def _rate_limited(error):
        response = make_response(error_response(RateLimited()))
        response.headers["Retry-After"] = str(_retry_after(error))
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error):
        domain = DomainError(_HTTP_CODES.get(error.code, "http_error"), error.description)
        domain.status = error.code
        if error.code == 404:
            domain.message = _("There is no such page or item.")
        elif error.code == 405:
            domain.message = _("This method is not allowed here.")
        elif error.code == 413:
            domain.message = _("The request is too large: send at most %(size)s.",
                               size=_size(request.max_content_length or 0)) if request.max_content_length \
                else _("The request is too large.")
        response = make_response(error_response(domain))
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(sa.exc.DBAPIError)
    def _database_error(error):
        if isinstance(error, sa.exc.DataError):
            return _value_out_of_range(error)
        if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)) or error.connection_invalidated:
            return _database_unavailable(error)
        return _unexpected(error)

    app.register_error_handler(sa.exc.TimeoutError, _database_unavailable)  # no connection free in the pool
    app.register_error_handler(OverflowError, _value_out_of_range)

    @app.errorhandler(Exception)
    def _unexpected(error):
        current_app.logger.exception("Unhandled error")
        _rollback_quietly()
        domain = DomainError("internal_error", _("Something went wrong on our side. It has been logged."))
        domain.status = 500
        return error_response(domain)
