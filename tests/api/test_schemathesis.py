"""The API against its own OpenAPI document, with schemathesis 4 (every phase it offers:
examples, coverage, fuzzing, stateful), once with a creative's and once with an organiser's
token: no server error, no response that breaks its schema, no status code the document
does not list, no request accepted that the document forbids.

``make test`` keeps it short (``SCHEMATHESIS_MAX_EXAMPLES``, default 3); ``make fuzz`` runs
it long (500 examples per operation).
"""
import contextvars
import os
import re
from datetime import date, time, timedelta

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401
from tests.spaces.conftest import make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))
#: Every check but ``positive_data_acceptance`` (a valid request may still break a rule: full,
#: closed, taken), ``max_response_time`` and ``ignored_auth``: under the engine's WSGI transport
#: the latter passes ``max_redirects`` to werkzeug and errors out (schemathesis 4.32), so
#: :func:`test_every_secured_operation_refuses_anonymous_requests` covers it instead.
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance", "negative_data_rejection",
          "missing_required_header", "use_after_free", "ensure_resource_availability"]
#: 405 answers carry ``Allow`` (core.http).
METHOD_CHECKS = ["unsupported_method", "allow_header_conformance"]


@pytest.fixture
def world(api, app, organiser, make_event, make_listing, make_desk, make_user):
    """One of everything, so that ids in generated requests can hit real rows."""
    user, org, venue = organiser
    make_event(questions=[dict(kind="text", label="What do you make?", required=False)])
    make_event(title="Open studio", enrolment_mode="session", sessions=2)
    make_listing(booking_mode="instant", units=5)
    make_desk(org=org, organiser=user, rule=dict(weekdays=list(range(7)), start_time=time(9), end_time=time(17),
                                                 valid_from=date.today() - timedelta(days=1)))
    creative = make_user()
    return {"creative": api.token_for(creative.email), "organiser": api.token_for(user.email)}


def _document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture
def served(app):
    """The app schemathesis talks to: a second app on the test's database with Flask's own
    test client, so each generated request runs in an app context of its own (as in
    production) and nothing of the test's context leaks into it."""
    from inducci_events import create_app
    from inducci_events.extensions import db

    other = create_app("testing", **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "MAIL_FOLDER", "BASE_URL")})
    yield other
    with other.app_context():
        db.engine.dispose()


def _run(app, token, document, checks):
    config = SchemathesisConfig.from_dict({
        "seed": 11,
        "cache": {"enabled": False},  # no state between runs, nothing written into the work tree
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": True, "max-steps": max(10, MAX_EXAMPLES * 2)}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in checks}},
    })
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.app, schema.location = app, "/api/v1/openapi.json"
    # Revoking the token would leave the rest of the run anonymous (tested in test_accounts_api).
    schema = schema.exclude(name="DELETE /auth/token")
    failures, phases = [], set()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            phases.add(event.phase.name.value)
        elif isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)) and event.status in (
                Status.FAILURE, Status.ERROR):
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE:
                        case = event.recorder.cases[case_id].value
                        failures.append(f"{check.name}: {case.method} {case.formatted_path} {case.query or ''} "
                                        f"{str(case.body)[:300] if case.body is not None else ''} "
                                        f"{check.failure_info.failure.title if check.failure_info else ''}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {getattr(event, 'label', '')} {getattr(event, 'value', None) or event.exception!r}")
    return failures, phases


@pytest.mark.parametrize("who", ["creative", "organiser"])
def test_the_api_keeps_its_document(app, served, world, who):
    checks = CHECKS + METHOD_CHECKS
    document = contextvars.Context().run(_document, served)
    # Requests run outside the test's app context, each in its own (as in production).
    failures, phases = contextvars.Context().run(_run, served, world[who], document, checks)
    assert {"examples", "coverage", "fuzzing", "stateful"} <= phases
    assert not failures, "\n".join(sorted(set(failures))[:60])


def test_every_secured_operation_refuses_anonymous_requests(app, client, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    secured = [(path, method) for path, item in spec["paths"].items() for method, op in item.items()
               if isinstance(op, dict) and op.get("security")]
    assert len(secured) > 20
    for path, method in secured:
        url = "/api/v1" + path.replace("{slug}", "x").replace("{", "").replace("}", "")
        response = client.open(_with_ids(url), method=method.upper(), json={})
        assert response.status_code == 401, (method, path)
        assert response.get_json()["error"]["code"] == "missing_token"


def _with_ids(url):
    return re.sub(r"/[a-z_]+_id(?=/|$)", "/1", url)
