"""JSON API v1 (``/api/v1``): thin routes over the same services as the pages.

flask-smorest binds each route to marshmallow schemas (:mod:`.schema`): the same
declaration validates the request, shapes the answer and writes the OpenAPI 3.1
document served at ``/api/v1/openapi.json`` (and, readable, at ``/api/v1/docs``).
Errors keep the project's format: :mod:`..core.http` answers every one of them.
"""
import json
import math
from copy import deepcopy
from functools import wraps
from pathlib import Path

import flask_smorest
from flask import request
from flask_babel import lazy_gettext as _l
from flask_smorest.spec.plugins import FlaskPlugin
from flask_smorest.utils import unpack_tuple_response

from ..core.auth import token_required
from ..core.errors import BadRequest
from .schema import Error, PageArgs, PaginationHeader, parser

PREFIX = "/api/v1"

#: The document's tags, in the order the docs page shows them.
TAGS = [
    ("meta", "Health and this description"),
    ("accounts", "Sign-up, tokens and the caller's own items"),
    ("organisations", "Partners and their venues"),
    ("events", "Events, workshop series and enrolments"),
    ("spaces", "Pop-up space listings and bookings"),
    ("helpdesks", "Help-desk office hours and appointments"),
    ("profiles", "Profiles of creatives and companies, and messages through the app"),
    ("calendars", "iCalendar feed URLs"),
]

#: Error responses by status, as the document names them (flask-smorest's components).
_ERROR_NAMES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
                413: "REQUEST_ENTITY_TOO_LARGE", 422: "UNPROCESSABLE_ENTITY", 429: "TOO_MANY_REQUESTS"}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with the project's parser, pagination and error documentation."""

    ARGUMENTS_PARSER = parser
    PAGINATION_ARGUMENTS_PARSER = parser

    def operation(self, rule, method, *, tag, auth=False, errors=()):
        """Register a route: ``auth`` requires a bearer token (checked before any input),
        ``errors`` are the error statuses it may answer besides the ones the decorators add."""

        def decorator(func):
            view = func
            statuses = set(errors)
            if auth:
                statuses.add(401)
            if method in ("POST", "PUT", "PATCH") and getattr(view, "_apidoc", {}).get("arguments"):
                statuses.update((400, 413))
            for status in sorted(statuses):
                view = self.alt_response(status, response=_ERROR_NAMES[status])(view)
            view = self.doc(operationId=func.__name__)(view)
            if auth:
                view = self.doc(security=[{"bearer": []}])(token_required(view))
            self.route(rule, methods=[method], tags=[tag])(view)
            return view

        return decorator

    def arguments(self, schema, *, location="json", required=True, **kwargs):
        """flask-smorest's, and a required JSON body must be there (400 ``malformed_json``)."""
        decorator = super().arguments(schema, location=location, required=required, **kwargs)
        if location != "json" or not required:
            return decorator

        def outer(func):
            inner = decorator(func)

            @wraps(inner)
            def wrapper(*args, **kw):
                if not request.get_data(cache=True).strip():
                    raise BadRequest("malformed_json", _l("This request needs a JSON body."))
                return inner(*args, **kw)

            return wrapper

        return outer

    def paginate(self, pager=None, **_ignored):
        """``?page=&per_page=`` (at most 200): the view returns the whole list, the answer is
        one page of it; ``X-Pagination`` carries ``{total, page, per_page, total_pages}``."""

        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                page = parser.parse(PageArgs, request, location="query")
                result, status, headers = unpack_tuple_response(func(*args, **kwargs))
                items = list(result)
                total, per_page = len(items), page["per_page"]
                first = (page["page"] - 1) * per_page
                headers = dict(headers or {})
                headers["X-Pagination"] = json.dumps({
                    "total": total, "page": page["page"], "per_page": per_page,
                    "total_pages": math.ceil(total / per_page)})
                return items[first:first + per_page], status, headers

            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
            wrapper._apidoc["pagination"] = {"parameters": {"in": "query", "schema": PageArgs},
                                             "response": {422: _ERROR_NAMES[422]}}
            return wrapper

        return decorator

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {})["X-Pagination"] = "X_PAGINATION"


class _RelativePaths(FlaskPlugin):
    """Paths relative to the server URL (``/events``, not ``/api/v1/events``)."""

    def path_helper(self, rule, operations, parameters, **kwargs):
        path = super().path_helper(rule, operations, parameters, **kwargs)
        return path[len(PREFIX):] if path.startswith(PREFIX) else path


class Api(flask_smorest.Api):
    ERROR_SCHEMA = Error
    #: Every operation lists the statuses it answers; there is no catch-all.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """Nothing: flask-smorest's handler for every HTTPException would replace the
        project's error format; :mod:`..core.http` answers every error instead."""

    def _register_pagination_header(self):
        self.spec.components.schema("PaginationHeader", schema=PaginationHeader)
        self.spec.components.header("X_PAGINATION", {
            "description": "Pagination as JSON: {total, page, per_page, total_pages}",
            "schema": {"type": "string", "contentMediaType": "application/json",
                       "contentSchema": {"$ref": "#/components/schemas/PaginationHeader"}},
        }, lazy=True)


bp = Blueprint("api", __name__, url_prefix=PREFIX)

from . import accounts, events, feedback, helpdesks, meta, organisations, profiles, reach, spaces  # noqa: E402,F401  (routes register on bp)


def init_app(app):
    """Bind the API to ``app``: its blueprint and its OpenAPI document."""
    api = Api(spec_kwargs={
        "title": "inducci-events API", "version": "1.1", "openapi_version": "3.1.0",
        "flask_plugin": _RelativePaths(),
        "info": {"description": "Pop-up spaces, workshop series and help-desk office hours of the InduCCI "
                                "pilot actions. Human-readable: /api/v1/docs."},
        "servers": [{"url": app.config["BASE_URL"] + PREFIX}],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
    })
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer", "description": "A token from POST /auth/token"})
    app.register_blueprint(bp)
    bp.register_views_in_doc(api, app, api.spec, name=bp.name, parameters=None)
    # Swagger UI's files, served from the flask-swagger-ui package (no CDN: the CSP holds).
    app.add_url_rule("/static/swagger-ui/<path:filename>", "swagger_ui_asset", _swagger_ui_asset)
    return api


def _swagger_ui_asset(filename):
    import flask_swagger_ui
    from flask import send_from_directory

    return send_from_directory(Path(flask_swagger_ui.__file__).parent / "dist", filename, max_age=86400)


def spec_of(app):
    """The OpenAPI document of ``app`` as a dict."""
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
