"""The one locking helper behind every capacity rule.

Capacity is checked and taken in one transaction under a lock on the *parent* row (the
event, the session, the listing, the adviser): lock, re-read, count, insert, commit.

* PostgreSQL: ``SELECT ... FOR UPDATE`` on the parent row; a second transaction that
  wants the same parent waits until the first commits or rolls back.
* SQLite: :func:`~inducci_events.core.db.unit_of_work` started the transaction with
  ``BEGIN IMMEDIATE``, which already holds the database's single write lock, so the
  plain ``SELECT`` here is serialised with every other writer.

No feature writes a lock of its own; they all call :func:`lock_parent`.
"""
import sqlalchemy as sa

from ..extensions import db
from .db import in_unit_of_work
from .errors import NotFound


def lock_parent(model, pk, *, not_found=None, options=()):
    """Lock and return the fresh ``model`` row with primary key ``pk``.

    Must be called inside :func:`~inducci_events.core.db.unit_of_work`; the lock lasts
    until it commits or rolls back. ``options`` are loader options for what the caller
    needs next under the lock (``joinedload``, ``undefer``), read in the same query;
    relationships not named there are not loaded.

    :raises NotFound: when there is no such row (``not_found`` customises the error).
    """
    if not in_unit_of_work():
        raise RuntimeError("lock_parent() must run inside unit_of_work()")
    stmt = (sa.select(model).where(model.id == pk).options(sa.orm.lazyload("*"), *options)
            .execution_options(populate_existing=True))
    if db.session.get_bind().dialect.name != "sqlite":
        # ``OF``: the lock is wanted on the parent row only, and PostgreSQL refuses to lock
        # the nullable side of an outer join that a joinedload adds.
        stmt = stmt.with_for_update(of=model)
    row = db.session.scalars(stmt).unique().one_or_none()
    if row is None:
        raise not_found or NotFound(f"{model.__name__.lower()}_not_found")
    return row
