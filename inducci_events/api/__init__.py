"""JSON API v1 (``/api/v1``): thin routes over the same services as the pages.

Each module registers its routes on :data:`bp` and declares its part of the OpenAPI
document (``PATHS`` and ``SCHEMAS``), which :mod:`.openapi` merges.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import accounts, events, helpdesks, meta, organisations, spaces  # noqa: E402,F401  (routes register on bp)

#: The modules whose PATHS/SCHEMAS make up the OpenAPI document, in order.
ROUTE_MODULES = [meta, accounts, organisations, events, spaces, helpdesks]
