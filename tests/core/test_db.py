from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from inducci_events.accounts.models import User
from inducci_events.core.db import after_commit, unit_of_work
from inducci_events.extensions import db
from tests.conftest import count


def test_datetimes_come_back_aware_utc(make_user):
    user = make_user()
    db.session.expire_all()
    loaded = db.session.get(User, user.id)
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_a_local_time_is_stored_as_the_same_instant(make_user):
    user = make_user()
    vienna = datetime(2026, 7, 1, 18, 0, tzinfo=timezone(timedelta(hours=2)))
    with unit_of_work() as session:
        session.get(User, user.id).created_at = vienna
    db.session.expire_all()
    assert db.session.get(User, user.id).created_at == datetime(2026, 7, 1, 16, 0, tzinfo=timezone.utc)


def test_naive_datetimes_are_refused(make_user):
    user = make_user()
    with pytest.raises(sa.exc.StatementError):
        with unit_of_work() as session:
            session.get(User, user.id).created_at = datetime(2026, 1, 1, 12, 0)
            session.flush()


def test_a_failed_unit_of_work_leaves_nothing_and_runs_no_hooks(app):
    ran = []
    with pytest.raises(RuntimeError):
        with unit_of_work() as session:
            session.add(User(email="half@example.org", name="Half", password_hash="x"))
            after_commit(lambda: ran.append(True))
            session.flush()
            raise RuntimeError("boom")
    assert count(User) == 0
    assert ran == []


def test_after_commit_hooks_run_once_committed(app):
    ran = []
    with unit_of_work() as session:
        session.add(User(email="whole@example.org", name="Whole", password_hash="x"))
        after_commit(lambda: ran.append(count(User)))
    assert ran == [1]


def test_a_unit_of_work_reads_what_others_committed_after_the_request_read(make_user):
    """The request read a user; someone else renames them; the write that follows sees the new
    name (on PostgreSQL the read transaction goes on, on SQLite it is ended first)."""
    user = make_user(name="Anna Kovač")
    assert db.session.get(User, user.id).name == "Anna Kovač"
    assert db.session().in_transaction()  # the read transaction is open
    with db.engine.begin() as other:
        other.execute(sa.update(User).where(User.id == user.id).values(name="Anna Kovač-Novak"))
    with unit_of_work() as session:
        seen = session.get(User, user.id).name
        session.get(User, user.id).name = seen + " (checked)"
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Anna Kovač-Novak (checked)"


def test_expire_on_commit_false_keeps_what_was_written(make_user):
    user = make_user(name="Before")
    with unit_of_work(expire_on_commit=False) as session:
        row = session.get(User, user.id)
        row.name = "After"
    assert "name" in sa.inspect(row).dict  # no reload needed to report it
    assert row.name == "After"
    with unit_of_work() as session:
        row = session.get(User, user.id)
    assert "name" not in sa.inspect(row).dict  # the default expires, as before


def test_a_request_that_wrote_outside_a_unit_of_work_leaves_nothing(app, client, make_user):
    """A read-only request ends with COMMIT (see end_read_transaction); one that flushed a
    change without a unit of work (a bug) must still be rolled back."""
    user = make_user(name="Unchanged")

    @app.get("/_test/sloppy-write")
    def sloppy_write():
        db.session.get(User, user.id).name = "Changed"
        db.session.flush()
        return "written outside a unit of work"

    assert client.get("/_test/sloppy-write").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Unchanged"


@pytest.mark.postgres_only
def test_repeated_feed_requests_reuse_prepared_statements(app, client, make_org):
    """psycopg prepares a query after a few executions on a connection, and forgets them all
    on ROLLBACK: read-only requests end with COMMIT so that polls reuse them."""
    path = f"/calendar/organisations/{make_org().slug}.ics"
    db.session.rollback()  # the test's own session reads nothing more (it shares the pool)

    @app.get("/_test/prepared")
    def prepared():
        return str(db.session.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements")))

    for _ in range(12):
        assert client.get(path).status_code == 200
    assert int(client.get("/_test/prepared").get_data()) > 0


@pytest.mark.postgres_only
def test_a_connection_lost_during_a_read_does_not_break_the_next_requests(app, client, database_url):
    """The server ends the connection while a read-only request runs (a restart, a killed
    backend): ending that request's transaction fails, quietly; the next requests work."""

    @app.get("/_test/lost-connection")
    def lost_connection():
        pid = db.session.scalar(sa.select(sa.func.pg_backend_pid()))
        other = sa.create_engine(database_url)
        with other.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
        return "read"

    assert client.get("/_test/lost-connection").status_code == 200
    for _ in range(3):
        assert client.get("/api/v1/health").get_json() == {"status": "ok", "database": "ok"}
