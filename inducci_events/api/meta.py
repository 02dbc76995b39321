"""Health check, the OpenAPI document and its human-readable page."""
import sqlalchemy as sa
from flask import current_app, jsonify, make_response, render_template, url_for

from ..extensions import db
from . import bp
from .schema import OneOf, Out


class Health(Out):
    status = OneOf(("ok", "degraded"), required=True)
    database = OneOf(("ok", "unreachable"), required=True)


@bp.operation("/health", "GET", tag="meta")
@bp.response(200, Health, description="The service and its database answer")
@bp.alt_response(503, schema=Health, description="The database is unreachable")
def health():
    """Health check: liveness and database reachability, for load balancers and monitoring."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        ok = True
    except sa.exc.SQLAlchemyError:
        ok = False
    return {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unreachable"}, 200 if ok else 503


@bp.operation("/openapi.json", "GET", tag="meta")
@bp.response(200, {"type": "object"}, description="OpenAPI 3.1")
def openapi():
    """This document (OpenAPI 3.1)."""
    from . import spec_of

    return jsonify(spec_of(current_app))


@bp.operation("/docs", "GET", tag="meta")
@bp.response(200, {"type": "string"}, content_type="text/html", description="Swagger UI")
def docs():
    """This document, readable (Swagger UI, served by the app itself)."""
    return make_response(render_template("api/docs.html", spec_url=url_for("api.openapi")))
