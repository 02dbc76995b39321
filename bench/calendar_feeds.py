"""Benchmark: calendar feed answer times (server side, in-process through the WSGI app).

    .venv/bin/python bench/calendar_feeds.py                       # SQLite file in /tmp
    .venv/bin/python bench/calendar_feeds.py --database postgresql+psycopg://postgres@127.0.0.1/inducci_bench_calendar

Builds one organisation with 5,000 sessions (500 series of 10) and a participant enrolled in
30 of them (300 items in the personal feed), then times, with the Flask test client:
the personal feed, the organisation feed, and a conditional GET answered 304.
Targets on this machine: under 20 ms, under 300 ms and under 5 ms (medians).
Three states are timed: the very first answer of a process (nothing serialised yet),
"built" (read from the database and assembled; unchanged VEVENTs re-used) and
"unchanged" (a client polling without If-None-Match gets the body kept for that ETag).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import local_db  # noqa: E402  (bench/local_db.py)
import machine  # noqa: E402  (bench/machine.py: how fast the machine is right now)


def build(app, events=500, sessions_per_event=10, enrolled=30):
    from inducci_events.accounts.models import User
    from inducci_events.core.db import unit_of_work, utcnow
    from inducci_events.extensions import db
    from inducci_events.organisations.models import Organisation, Venue
    from inducci_events.workshops.models import Enrolment, Event, Session

    db.create_all()
    with unit_of_work() as s:
        org = Organisation(slug="linz", name="Creative Region Linz & Upper Austria", short_name="Creative Region",
                           region="Upper Austria", country="AT", timezone="Europe/Vienna")
        s.add(org)
        s.flush()
        venue = Venue(organisation_id=org.id, name="Tabakfabrik", street="Peter-Behrens-Platz 1", postcode="4020",
                      city="Linz", country="AT", timezone="Europe/Vienna")
        person = User(email="bench@example.org", name="Bench Participant", password_hash="x")
        s.add_all([venue, person])
        s.flush()
        start = utcnow().replace(microsecond=0) + timedelta(days=1)
        event_rows = [Event(organisation_id=org.id, title=f"Workshop series {n}", capacity=20, status="published",
                            description="Five modules from prototyping to market leader.") for n in range(events)]
        s.add_all(event_rows)
        s.flush()
        s.add_all([Session(event_id=e.id, venue_id=venue.id, title=f"Module {k + 1}",
                           starts_at=start + timedelta(days=n % 300, hours=k),
                           ends_at=start + timedelta(days=n % 300, hours=k + 1))
                   for n, e in enumerate(event_rows) for k in range(sessions_per_event)])
        s.add_all([Enrolment(event_id=e.id, user_id=person.id, status="confirmed") for e in event_rows[:enrolled]])
    return org.slug, person.calendar_token


def timed(client, path, runs, headers=None, expect=200, rebuild=False):
    """Median-ready timings of ``runs`` GETs (every answer without a matching validator is
    built from the database; VEVENT serialisations are re-used). ``rebuild`` is kept for the
    callers: there is no body cache to drop any more."""
    times = []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers or {})
        response.get_data()
        times.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
        assert response.status_code == expect, (path, response.status_code)
    return times, response


def report(label, times, target):
    """Wall-clock median and p99 (the target), and the median CPU time of this process: on a
    busy shared machine the wall clock includes waiting for a core, the CPU time hardly does
    (the database server's own time is in neither)."""
    wall = [w for w, _cpu in times]
    median = statistics.median(wall)
    p99 = sorted(wall)[max(0, int(len(wall) * 0.99) - 1)]
    cpu = statistics.median(c for _w, c in times)
    verdict = "meets" if median < target else "MISSES"
    print(f"{label:<50} median {median:8.2f} ms   p99 {p99:8.2f} ms   cpu {cpu:7.2f} ms   "
          f"({verdict} target < {target} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file in /tmp)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench-calendar.db"
    if url.startswith("postgresql"):
        local_db.recreate(url)
    os.environ.setdefault("SECRET_KEY", "bench")

    from inducci_events import create_app
    from inducci_events.extensions import db

    machine.report("before")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, BASE_URL="https://events.example.org")
    with app.app_context():
        t0 = time.perf_counter()
        slug, token = build(app)
        if db.engine.dialect.name == "postgresql":
            # Statistics for the planner, as autovacuum would gather them soon after a bulk load.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}; data built in "
              f"{time.perf_counter() - t0:.1f} s")
        db.session.remove()
    client = app.test_client()

    # The first request of a process serialises every VEVENT; later ones re-use the
    # serialisation of unchanged items (the medians below). Both are printed.
    cold_org, _ = timed(client, f"/calendar/organisations/{slug}.ics", 1)
    cold_personal, _ = timed(client, f"/calendar/feed/{token}.ics", 1)
    print(f"first request (nothing serialised yet): personal {cold_personal[0][0]:.0f} ms, "
          f"organisation {cold_org[0][0]:.0f} ms")
    personal, response = timed(client, f"/calendar/feed/{token}.ics", args.runs, rebuild=True)
    items = response.get_data().count(b"BEGIN:VEVENT")
    report(f"personal feed ({items} items), built", personal, 20)
    personal, _ = timed(client, f"/calendar/feed/{token}.ics", args.runs)
    report(f"personal feed ({items} items), unchanged", personal, 20)

    org_times, response = timed(client, f"/calendar/organisations/{slug}.ics", max(5, args.runs // 3), rebuild=True)
    items = response.get_data().count(b"BEGIN:VEVENT")
    report(f"organisation feed ({items} sessions), built", org_times, 300)
    org_times, _ = timed(client, f"/calendar/organisations/{slug}.ics", args.runs)
    report(f"organisation feed ({items} sessions), unchanged", org_times, 300)

    etag = response.headers["ETag"]
    not_modified, _ = timed(client, f"/calendar/organisations/{slug}.ics", args.runs * 3,
                            headers={"If-None-Match": etag}, expect=304)
    report("organisation feed, conditional GET -> 304", not_modified, 5)
    machine.report("after")
    print(f"command: {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
