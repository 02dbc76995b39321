"""The locking helper serialises transactions on the same parent row, on both databases."""
import threading
import time

import pytest

from inducci_events.core.capacity import lock_parent
from inducci_events.core.db import unit_of_work
from inducci_events.core.errors import NotFound
from inducci_events.organisations.models import Organisation


def _in_thread(app, target):
    def run():
        with app.app_context():
            try:
                target()
            finally:
                from inducci_events.extensions import db

                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_second_transaction_waits_for_the_first(app, make_org):
    org_id = make_org().id  # read once here: the threads must not touch this session
    first_has_lock = threading.Event()
    events = []

    def first():
        with unit_of_work():
            lock_parent(Organisation, org_id)
            first_has_lock.set()
            time.sleep(0.5)  # hold the lock while the second transaction tries
            events.append(("first commits", time.monotonic()))

    def second():
        first_has_lock.wait(5)
        started = time.monotonic()
        with unit_of_work():
            lock_parent(Organisation, org_id)
            events.append(("second locked", time.monotonic(), started))

    threads = [_in_thread(app, first), _in_thread(app, second)]
    for t in threads:
        t.join(20)
    assert [e[0] for e in events] == ["first commits", "second locked"]
    # The second waited roughly for the first's remaining hold time.
    assert events[1][1] - events[1][2] >= 0.3


@pytest.mark.postgres_only
def test_counts_under_the_lock_never_lose_an_update(app, make_org):
    """20 concurrent read-modify-write transactions on one parent: no update is lost.

    Without FOR UPDATE, READ COMMITTED lets two transactions read the same value and
    both write value+1.
    """
    org_id = make_org(description="0").id
    barrier = threading.Barrier(20)

    def bump():
        barrier.wait(5)
        with unit_of_work():
            row = lock_parent(Organisation, org_id)
            value = int(row.description)
            time.sleep(0.01)
            row.description = str(value + 1)

    threads = [_in_thread(app, bump) for _ in range(20)]
    for t in threads:
        t.join(30)
    from inducci_events.extensions import db

    db.session.expire_all()
    assert db.session.get(Organisation, org_id).description == "20"


def test_locking_a_missing_parent_is_not_found(app):
    with pytest.raises(NotFound):
        with unit_of_work():
            lock_parent(Organisation, 999_999)


def test_lock_outside_a_unit_of_work_is_a_programming_error(app, make_org):
    org = make_org()
    with pytest.raises(RuntimeError):
        lock_parent(Organisation, org.id)
