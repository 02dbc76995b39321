"""Fixtures: every test runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set.

The schema is created once per backend; after each test every table is emptied, so each
test starts from a clean database. Tests marked ``postgres_only`` (real concurrent
connections) are skipped on SQLite.
"""
import contextvars
import os
import re
import threading
import uuid

import pytest
import sqlalchemy as sa

from flask.testing import FlaskClient

from inducci_events import create_app
from inducci_events.core.auth import COMMAND_LINE
from inducci_events.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/test.db"
    else:
        url = os.environ["TEST_DATABASE_URL"]
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield url


@pytest.fixture
def backend(database_url):
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


def _empty_all_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (own ``g``, own database session), as in
    production, although the test itself keeps an app context open. Afterwards the test's
    session ends its read transaction, so it sees what the request committed."""

    _depth = 0

    def open(self, *args, **kwargs):
        if self._depth:  # a redirect being followed: already isolated
            return super().open(*args, **kwargs)
        self._depth += 1
        try:
            response = contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            self._depth -= 1
        db.session.rollback()
        return response


@pytest.fixture
def app(request, database_url, backend, tmp_path):
    if request.node.get_closest_marker("postgres_only") and backend != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        MAIL_FOLDER=str(tmp_path / "mail"),
        BASE_URL="http://events.test",
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def empty_database_url(backend, tmp_path):
    """A new, empty database of the test's backend (a file, or a scratch PostgreSQL database
    dropped afterwards) for tests that migrate or run the app in other processes."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    base = os.environ["TEST_DATABASE_URL"]
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- factories ---------------------------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    from inducci_events.accounts import services

    counter = iter(range(1, 10_000))

    def make(email=None, name=None, password=PASSWORD, locale="en", admin=False):
        n = next(counter)
        return services.register_user(email or f"user{n}@example.org", password, name or f"User {n}", locale,
                                      is_admin=admin)

    return make


@pytest.fixture
def make_org(app):
    from inducci_events.core.db import unit_of_work
    from inducci_events.organisations.models import Organisation

    counter = iter(range(1, 10_000))

    def make(slug=None, timezone="Europe/Berlin", **fields):
        n = next(counter)
        with unit_of_work() as session:
            org = Organisation(slug=slug or f"org{n}", name=fields.pop("name", f"Organisation {n}"),
                               short_name=fields.pop("short_name", f"Org {n}"),
                               region=fields.pop("region", "Region"), country=fields.pop("country", "DE"),
                               timezone=timezone, **fields)
            session.add(org)
        return org

    return make


@pytest.fixture
def make_organiser(make_user, make_org):
    """An organisation and a user who organises it: ``(user, org)``."""
    from inducci_events.accounts import services

    def make(**org_fields):
        org = make_org(**org_fields)
        user = make_user()
        services.grant_role(user.email, org.slug, "organiser", actor=COMMAND_LINE)
        return db.session.get(type(user), user.id), org

    return make


# --- HTTP helpers ------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html):
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that, like a person, posts forms with the CSRF token of the page."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url, data, form_url=None, **kwargs):
        page = self.client.get(form_url or url)
        data = dict(data, csrf_token=csrf_from(page.get_data(as_text=True)))
        return self.client.post(url, data=data, **kwargs)

    def login(self, email, password=PASSWORD):
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def api(client):
    """JSON calls with an optional bearer token: ``api.post(url, json, token=...)``."""

    class Api:
        def __getattr__(self, method):
            def call(url, json=None, token=None, **kwargs):
                headers = kwargs.pop("headers", {})
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                return getattr(client, method)(url, json=json, headers=headers, **kwargs)

            return call

        def token_for(self, email, password=PASSWORD):
            response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
            assert response.status_code == 200, response.get_json()
            return response.get_json()["token"]

    return Api()


def run_at_once(app, calls, timeout=60):
    """Run each call in its own thread, app context and database connection, all released
    together by a barrier. Returns ``("ok", result)`` or ``("refused", error.code)`` per call
    (in the order they finished); any other exception fails the test."""
    from inducci_events.core.errors import DomainError

    barrier = threading.Barrier(len(calls))
    outcomes, unexpected = [], []

    def run(call):
        with app.app_context():
            try:
                barrier.wait(10)
                outcomes.append(("ok", call()))
            except DomainError as error:
                outcomes.append(("refused", error.code))
            except Exception as exc:  # noqa: BLE001 - reported below
                unexpected.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not unexpected, unexpected
    return outcomes


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
