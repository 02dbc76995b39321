"""The OpenAPI 3.1 document, merged from each API module's ``PATHS`` and ``SCHEMAS``."""
from .schema import ERROR_RESPONSES, json_content, obj


def build_spec(modules, server_url):
    paths, schemas = {}, {}
    for module in modules:
        for path, operations in module.PATHS.items():
            paths.setdefault(path, {}).update(operations)
        schemas.update(getattr(module, "SCHEMAS", {}))
    schemas["Error"] = obj({
        "error": obj({
            "code": {"type": "string", "description": "snake_case, stable"},
            "message": {"type": "string", "description": "human text in the request's language"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        }, required=["code", "message"]),
    }, required=["error"])
    responses = {
        name: {"description": description, "content": json_content({"$ref": "#/components/schemas/Error"})}
        for name, description in ERROR_RESPONSES.values()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "inducci-events API",
            "version": "1",
            "description": "Pop-up spaces, workshop series and help-desk office hours of the InduCCI pilot actions.",
        },
        "servers": [{"url": server_url}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from POST /auth/token"}},
        },
    }
