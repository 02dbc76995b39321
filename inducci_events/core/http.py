"""Turning errors into responses: the JSON error object for the API, pages elsewhere.

Every 4xx/5xx under ``/api/`` is ``{"error": {"code", "message", "fields"?}}``; a
page request gets the error page (or, for a DomainError raised by a form's service,
the view catches it itself and re-renders the form with the message).
"""
from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import BadRequest, DomainError, RateLimited

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
}


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


def init_app(app):
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
        return error_response(RateLimited())

    @app.errorhandler(HTTPException)
    def _http_error(error):
        domain = DomainError(_HTTP_CODES.get(error.code, "http_error"), error.description)
        domain.status = error.code
        if error.code == 404:
            domain.message = _("There is no such page or item.")
        elif error.code == 405:
            domain.message = _("This method is not allowed here.")
        response = error_response(domain)
        if isinstance(response, tuple):
            body, status = response
            return body, status, error.get_headers() if error.code == 405 else {}
        return response

    @app.errorhandler(Exception)
    def _unexpected(error):
        current_app.logger.exception("Unhandled error")
        domain = DomainError("internal_error", _("Something went wrong on our side. It has been logged."))
        domain.status = 500
        return error_response(domain)
