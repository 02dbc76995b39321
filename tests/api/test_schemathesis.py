"""The API against its own OpenAPI document, with schemathesis 4 (every phase it offers:
examples, coverage, fuzzing, stateful), once with a creative's and once with an organiser's
token: no server error, no response that breaks its schema, no status code the document
does not list, no request accepted that the document forbids.

``make test`` keeps it short (``SCHEMATHESIS_MAX_EXAMPLES``, default 3); ``make fuzz`` runs
it long (500 examples per operation).
"""
import contextvars
import os
from datetime import date, time, timedelta

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from inducci_events.accounts import services as accounts
from tests.helpdesk.conftest import make_adviser, make_desk  # noqa: F401
from tests.spaces.conftest import day, make_listing, make_space_org, space_org  # noqa: F401
from tests.workshops.conftest import make_event, organiser  # noqa: F401

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance", "response_headers_conformance", "negative_data_rejection",
          "missing_required_header", "ignored_auth", "unsupported_method", "use_after_free",
          "ensure_resource_availability"]


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


def _run(app, token):
    config = SchemathesisConfig.from_dict({
        "seed": 11,
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": True, "max-steps": max(10, MAX_EXAMPLES * 2)}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    })
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
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
                        failures.append(f"{check.name}: {case.method} {case.formatted_path} "
                                        f"{check.failure_info.failure.title if check.failure_info else ''}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {getattr(event, 'label', '')} {getattr(event, 'value', None) or event.exception!r}")
    return failures, phases


@pytest.mark.parametrize("who", ["creative", "organiser"])
def test_the_api_keeps_its_document(app, world, who):
    # Requests run outside the test's app context, each in its own (as in production).
    failures, phases = contextvars.Context().run(_run, app, world[who])
    assert {"examples", "coverage", "fuzzing", "stateful"} <= phases
    assert not failures, "\n".join(sorted(set(failures))[:60])
    accounts  # the factories above registered the people
