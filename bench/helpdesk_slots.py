"""Benchmark: free slots of a help-desk network (20 advisers, 8 weeks, 2,000 appointments).

Builds its own database (a fresh SQLite file by default, or PostgreSQL with
``--database postgresql+psycopg://postgres@127.0.0.1/inducci_bench_helpdesk``), then times
``helpdesk.queries.free_slots`` for all desks over 8 weeks directly (no HTTP) and prints
the median and p99. Bounded: 30 runs by default.

    .venv/bin/python bench/helpdesk_slots.py [--database URL] [--runs 30]
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import datetime, time, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

TARGET_MS = 50


def build(app, advisers=20, appointments=2000):
    from inducci_events.accounts.models import Membership, User
    from inducci_events.core.db import unit_of_work
    from inducci_events.extensions import db
    from inducci_events.helpdesk.models import Adviser, Appointment, HelpDesk, OfficeHourRule
    from inducci_events.helpdesk.slots import rule_slots
    from inducci_events.organisations.models import Organisation

    db.drop_all()
    db.create_all()
    today = datetime.now(timezone.utc).date()
    with unit_of_work() as session:
        orgs = [Organisation(slug=f"org{i}", name=f"Partner {i}", short_name=f"P{i}", region="Veneto", country="IT",
                             timezone="Europe/Rome") for i in range(4)]
        session.add_all(orgs)
        session.flush()
        desks = [HelpDesk(organisation_id=orgs[i % 4].id, name=f"Desk {i}", online=True, topics=["business plan"],
                          languages=["Italian"], network="Veneto", lead_time_hours=0,
                          horizon_days=70) for i in range(5)]
        session.add_all(desks)
        people = [User(email=f"p{i}@bench.test", name=f"Person {i}", password_hash="x") for i in range(400)]
        staff = [User(email=f"a{i}@bench.test", name=f"Adviser {i}", password_hash="x") for i in range(advisers)]
        session.add_all(people + staff)
        session.flush()
        profiles = []
        for i, user in enumerate(staff):
            desk = desks[i % len(desks)]
            session.add(Membership(user_id=user.id, organisation_id=desk.organisation_id, role="adviser"))
            profile = Adviser(user_id=user.id, bio="", topics=[])
            profile.desks.append(desk)
            profiles.append(profile)
        session.add_all(profiles)
        session.flush()
        rules = []
        for i, profile in enumerate(profiles):
            desk = desks[i % len(desks)]
            # Mon-Fri 9-13 and 14-18, 45 minutes + 15 buffer: 8 slots a day, 40 a week.
            for start, end in ((time(9), time(13)), (time(14), time(18))):
                rule = OfficeHourRule(desk_id=desk.id, adviser_id=profile.id, weekdays=0b11111, start_time=start,
                                      end_time=end, slot_minutes=45, buffer_minutes=15, seats=1, mode="online",
                                      valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=70))
                rules.append(rule)
        session.add_all(rules)
        session.flush()
        all_slots = [s for r in rules for s in rule_slots(r, "Europe/Rome", today, today + timedelta(weeks=8))]
        random.Random(7).shuffle(all_slots)
        for n, slot in enumerate(all_slots[:appointments]):
            session.add(Appointment(desk_id=slot.desk_id, adviser_id=slot.adviser_id, user_id=people[n % 400].id,
                                    rule_id=slot.rule_id, starts_at=slot.starts_at, ends_at=slot.ends_at, seat=1,
                                    mode="online", topic="business plan", status="confirmed"))
    return [d.id for d in desks], len(all_slots)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='bench-helpdesk-')}/bench.db"
    if not url.startswith("sqlite") and "127.0.0.1" not in url and "localhost" not in url:
        sys.exit("only local databases (127.0.0.1)")

    from inducci_events import create_app
    from inducci_events.extensions import db
    from inducci_events.helpdesk import queries
    from inducci_events.helpdesk.models import Appointment

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        desk_ids, total_slots = build(app)
        booked = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))
        start = datetime.now(timezone.utc)
        end = start + timedelta(weeks=8)
        timings, free = [], None
        for _ in range(max(1, min(args.runs, 200))):
            db.session.rollback()  # each run reads afresh, as a request would
            t0 = clock.perf_counter()
            free = queries.free_slots(desk_ids, start, end, now=start)
            timings.append((clock.perf_counter() - t0) * 1000)
        timings.sort()
        median = statistics.median(timings)
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        print(f"command: {' '.join([os.path.basename(sys.executable)] + sys.argv)}")
        print(f"database: {db.engine.dialect.name}; 20 advisers, 5 desks, 8 weeks, {total_slots} rule slots, "
              f"{booked} appointments; {len(free)} free slots returned")
        print(f"free_slots over 8 weeks: median {median:.1f} ms, p99 {p99:.1f} ms, "
              f"min {timings[0]:.1f} ms over {len(timings)} runs (target < {TARGET_MS} ms: "
              f"{'met' if median < TARGET_MS else 'NOT met'})")
        # Sanity: every slot that was not booked (and is still ahead) is free.
        assert len(free) <= total_slots - booked + 1, "more free slots than unbooked ones"
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
