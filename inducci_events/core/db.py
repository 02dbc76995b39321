"""Database primitives: an aware-UTC datetime column type and the unit of work.

Every service that changes state runs inside exactly one :func:`unit_of_work`; views,
models and hooks never commit. On SQLite the unit of work starts its transaction with
``BEGIN IMMEDIATE`` so that concurrent writers queue up instead of failing half-way
(see :mod:`inducci_events.core.capacity`).
"""
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db

_SQLITE_BEGIN_OPTION = "inducci_sqlite_begin"


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    Naive datetimes are refused on the way in: a naive value has no defined instant and
    is always a bug (convert local times with :mod:`inducci_events.core.timeutil`).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime, got a naive one")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # SQLite has no time zones: store naive UTC so string comparison orders correctly.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None or value.tzinfo is timezone.utc:  # PostgreSQL sessions run in UTC
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def sql_in(column, values):
    """``column IN ('a', 'b')`` for CHECK constraints and partial indexes (literal SQL)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow():
    """The current instant as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class Versioned:
    """Mixin for anything that appears in calendars (sessions, bookings, appointments).

    ``updated_at`` moves on every change (LAST-MODIFIED); ``sequence`` grows when one of
    the attributes named in ``__versioned__`` changes (time, place, status: SEQUENCE),
    so subscribed calendar clients replace their copy. Nothing needs to remember to do it:
    a ``before_flush`` hook bumps both.
    """

    __versioned__ = ()

    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Session, "before_flush")
def _bump_versions(session, flush_context, instances):
    now = utcnow()
    for obj in session.dirty:
        if not isinstance(obj, Versioned) or not session.is_modified(obj, include_collections=False):
            continue
        state = sa.inspect(obj)
        if state.attrs.updated_at.history.has_changes():
            continue  # set explicitly
        obj.updated_at = now
        if any(state.attrs[name].history.has_changes() for name in obj.__versioned__):
            obj.sequence = (obj.sequence or 0) + 1


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Take transaction control away from pysqlite so ``BEGIN`` is ours to emit."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL: readers never block the writer (and the writer never blocks readers).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _postgresql_on_connect(dbapi_connection, connection_record):
    """PostgreSQL sessions run in UTC, like everything stored: timestamps come back in UTC
    (psycopg gives them ``timezone.utc``, so nothing needs converting them)."""
    if type(dbapi_connection).__module__.split(".")[0] != "psycopg":
        return
    dbapi_connection.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    mode = conn.get_execution_options().get(_SQLITE_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


# --- the end of a request's read-only transaction ------------------------------------

@event.listens_for(Session, "do_orm_execute")
def _note_statement(state):
    if not state.is_select:
        state.session.info["wrote"] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session, flush_context):
    session.info["wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction):
    if transaction.parent is None:
        session.info.pop("wrote", None)


def end_read_transaction(error=None):
    """Teardown: end a request's transaction that only read with COMMIT rather than the
    ROLLBACK that closing the session sends. Both end it alike, but psycopg forgets the
    connection's prepared statements on ROLLBACK, so feeds and API reads would plan their
    queries again on every request. Anything else (a write outside a unit of work, an
    error) is still rolled back when the session closes.
    """
    session = db.session()
    transaction = session.get_transaction()
    if (error is not None or transaction is None or not transaction.is_active or session.info.get("unit_of_work")
            or session.info.get("wrote") or session.new or session.dirty or session.deleted):
        return
    try:
        session.commit()
    except Exception:  # e.g. the connection was lost: nothing was written, so nothing is lost
        current_app.logger.warning("could not end a read-only transaction", exc_info=True)
        try:
            session.rollback()
        except Exception:
            current_app.logger.warning("could not roll it back either", exc_info=True)


def init_app(app):
    # Registered after Flask-SQLAlchemy's teardown, so it runs before the session is closed.
    app.teardown_appcontext(end_read_transaction)


def saved_id(obj):
    """The primary key of an object a unit of work has committed, without reading the row
    again (the commit expired it): a page reports what was saved even if the database
    went away right after the commit."""
    return sa.inspect(obj).identity[0]


def in_unit_of_work():
    return bool(db.session.info.get("unit_of_work"))


def after_commit(callback):
    """Run ``callback()`` once the current unit of work has committed (never on rollback)."""
    if not in_unit_of_work():
        raise RuntimeError("after_commit() is only meaningful inside unit_of_work()")
    db.session.info.setdefault("after_commit", []).append(callback)


@contextmanager
def unit_of_work(*, expire_on_commit=True):
    """One write transaction: commit on success, roll back on any exception.

    Objects the request read before are expired, so the write transaction reads them
    afresh. On SQLite the read-only transaction the request had open is ended first, so
    the write transaction starts as ``BEGIN IMMEDIATE``. On PostgreSQL it simply goes on:
    under READ COMMITTED (the default, which the app never changes) every statement
    already sees the latest commits, and ending it would cost two round trips.

    ``expire_on_commit=False`` keeps the values the transaction read and wrote on its
    objects after the commit, for a caller that only reports what it just did (an
    enrolment's id and status) and need not read it back. Nested use joins the outer
    unit of work.
    """
    session = db.session()  # the scoped session's real Session for this app context
    if session.info.get("unit_of_work"):
        yield session
        return
    sqlite = session.get_bind().dialect.name == "sqlite"
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("unsaved changes outside a unit of work")
        if sqlite:
            session.commit()
        else:
            session.expire_all()
    session.info["unit_of_work"] = True
    session.info["after_commit"] = []
    expires = session.expire_on_commit
    try:
        if sqlite:
            session.connection(execution_options={_SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        yield session
        session.expire_on_commit = expire_on_commit
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop("after_commit", None)
        raise
    finally:
        session.info["unit_of_work"] = False
        session.expire_on_commit = expires
    for callback in session.info.pop("after_commit", []):
        callback()
