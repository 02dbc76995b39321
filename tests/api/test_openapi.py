"""The OpenAPI document is valid 3.1 and describes exactly the routes that exist."""
import re

from openapi_spec_validator import validate


METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _spec_operations(spec):
    return {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops if method in METHODS}


def _app_operations(app):
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            ops.add((path, method))
    return ops


def test_the_document_is_valid_openapi_3_1(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_route_is_described_and_nothing_else(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert _spec_operations(spec) == _app_operations(app)


def test_path_parameters_are_declared(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, ops in spec["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        common = {p["name"] for p in ops.get("parameters", []) if p["in"] == "path"}
        for method, op in ops.items():
            if method in METHODS:
                declared = common | {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
                assert declared == names, path
