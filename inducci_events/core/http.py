"""Turning errors into responses: the JSON error object for the API, pages elsewhere.

Every 4xx/5xx under ``/api/`` is ``{"error": {"code", "message", "fields"?}}``; a
page request gets the error page (or, for a DomainError raised by a form's service,
the view catches it itself and re-renders the form with the message).
"""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

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


def json_body():
    """The request's JSON object, or :class:`BadRequest` with a clear message."""
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("malformed_json", _("The request body must be valid JSON (Content-Type: application/json)."))
    if not isinstance(data, dict):
        raise BadRequest("malformed_json", _("The request body must be a JSON object."))
    return data


def json_to_formdata(data):
    """Adapt a JSON object to the MultiDict WTForms reads, so one form serves HTML and JSON.

    Lists become repeated keys, booleans become checkbox values, ``null`` is left out;
    a nested object where a plain value belongs is a :class:`ValidationFailed`.
    """
    pairs, wrong = [], {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                if item:
                    pairs.append((key, "y"))
                continue
            if isinstance(item, (dict, list)):
                wrong[key] = [_("Expected a plain value (text, number or true/false) here.")]
                continue
            pairs.append((key, str(item)))
    if wrong:
        raise ValidationFailed(fields=wrong)
    return MultiDict(pairs)


def validate_json_form(form_class, data=None, **kwargs):
    """Validate a JSON body with a WTForms class; :class:`ValidationFailed` (422) on errors."""
    if data is None:
        data = json_body()
    form = form_class(formdata=json_to_formdata(data), meta={"csrf": False}, **kwargs)
    if not form.validate():
        raise ValidationFailed(fields=form_errors(form))
    return form


def form_errors(form):
    errors = {}
    for name, messages in form.errors.items():
        if isinstance(messages, dict):  # FormField / FieldList
            for sub, sub_messages in messages.items():
                errors[f"{name}.{sub}"] = [str(m) for m in sub_messages]
        else:
            errors[name] = [str(m) for m in messages]
    return errors


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
