"""Health check and the OpenAPI document."""
import sqlalchemy as sa
from flask import current_app, jsonify

from ..extensions import db
from . import bp
from .schema import obj, ok, operation


@bp.get("/health")
def health():
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify({"status": "ok" if status == 200 else "degraded", "database": database}), status


@bp.get("/openapi.json")
def openapi():
    from . import ROUTE_MODULES
    from .openapi import build_spec

    return jsonify(build_spec(ROUTE_MODULES, current_app.config["BASE_URL"] + "/api/v1"))


PATHS = {
    "/health": {"get": operation("Health check", {
        **ok("The service and its database answer", obj({"status": {"type": "string"},
                                                          "database": {"type": "string"}})),
        "503": {"description": "The database is unreachable"},
    }, tags=["meta"])},
    "/openapi.json": {"get": operation("This document", ok("OpenAPI 3.1", {"type": "object"}), tags=["meta"])},
}
