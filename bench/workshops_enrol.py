"""Benchmark: concurrent enrolments through the JSON API under gunicorn on PostgreSQL.

Creates (drops and recreates) its own database, migrates it, seeds an organisation, events
and participants with API tokens directly, starts ``gunicorn -w 2 -b 127.0.0.1:8101
wsgi:app`` and drives ``POST /api/v1/events/<id>/enrolments`` from 16 client threads
(keep-alive ``http.client``) for a bounded time. Prints enrolments/s, p50 and p99, then
checks that no event is over capacity and nobody waits while a seat is free.

Run by hand from the project root (never in the test suite)::

    .venv/bin/python bench/workshops_enrol.py [--seconds 20] [--clients 16] [--notifications on|off]
                                              [--driver wrk|python]

The load comes from ``wrk`` (``apt-get install wrk``; script ``bench/enrol.lua``) when it is
installed, else from Python threads, which take a good part of the two cores themselves.

``--notifications on`` (the default) queues the confirmation or waitlist e-mail with its
``.ics`` in each enrolment's transaction; ``off`` sets ``NOTIFICATIONS_ENABLED=0``. Both
leave delivery to a worker (``MAIL_DELIVER_AFTER_COMMIT=0``): the outbox keeps the slow part
out of the booking.

``BENCH_DATABASE_URL`` overrides ``postgresql+psycopg://postgres@127.0.0.1/inducci_bench_events``.
"""
import argparse
import http.client
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

import local_db  # bench/local_db.py
import machine  # bench/machine.py: how fast the machine is right now

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/inducci_bench_events"
HOST, PORT = "127.0.0.1", 8101
EVENTS, CAPACITY, PEOPLE = 20, 100, 400


def migrate(env):
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def seed(url):
    """Organisation, venue, organiser, EVENTS published events and PEOPLE participants with tokens."""
    from inducci_events import create_app
    from inducci_events.accounts import services as accounts
    from inducci_events.accounts.models import User
    from inducci_events.core.auth import COMMAND_LINE
    from inducci_events.core.db import unit_of_work, utcnow
    from inducci_events.extensions import db
    from inducci_events.organisations import services as orgs
    from inducci_events.organisations.models import Organisation
    from inducci_events.workshops import services as workshops

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        with unit_of_work() as session:
            org = Organisation(slug="linz", name="Creative Region Linz", short_name="Creative Region",
                               region="Upper Austria", country="AT", timezone="Europe/Vienna")
            session.add(org)
        organiser = accounts.register_user("organiser@bench.example.org", "bench-password-123", "Organiser")
        accounts.grant_role(organiser.email, "linz", "organiser", actor=COMMAND_LINE)
        organiser = db.session.get(User, organiser.id)
        venue = orgs.save_venue(organiser, org.id, name="Tabakfabrik", street="", postcode="4020", city="Linz",
                                country="AT", timezone="Europe/Vienna")
        start = utcnow() + timedelta(days=30)
        event_ids = [workshops.create_event(
            organiser, org.id, title=f"Boot camp {i}", capacity=CAPACITY, status="published", waitlist=True,
            sessions=[dict(title="Module 1", venue_id=venue.id, starts_at=start, ends_at=start + timedelta(hours=8))],
        ).id for i in range(EVENTS)]
        with unit_of_work() as session:
            people = [User(email=f"p{i}@bench.example.org", name=f"Participant {i}", password_hash="x")
                      for i in range(PEOPLE)]
            session.add_all(people)
        tokens = [accounts.issue_token(db.session.get(User, p.id), "bench")[0] for p in people]
        db.engine.dispose()
    return event_ids, tokens


def start_gunicorn(env):
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"{HOST}:{PORT}", "--log-level",
                             "warning", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit("gunicorn did not answer on /api/v1/health within 30 s")


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def drive(event_ids, tokens, clients, seconds):
    """Each client owns a slice of the participants and enrols them in every event in turn."""
    latencies, statuses, lock = [], {}, threading.Lock()
    deadline = time.monotonic() + seconds

    def client(my_tokens):
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        mine, codes = [], {}
        for event_id in event_ids:
            for token in my_tokens:
                if time.monotonic() >= deadline:
                    break
                t0 = time.perf_counter()
                try:
                    conn.request("POST", f"/api/v1/events/{event_id}/enrolments", body=b"{}", headers={
                        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
                    status = "connection error"
                mine.append(time.perf_counter() - t0)
                codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(tokens[i::clients],)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return latencies, statuses, time.monotonic() - started


def drive_wrk(event_ids, tokens, clients, seconds):
    """The same load from wrk (C, two threads), so the load generator takes little of the two
    cores the server needs. Returns (created, p50 ms, p99 ms, elapsed, wrk's summary line)."""
    import re
    import shutil
    import tempfile

    pairs = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    with pairs:
        # event-major order: each event fills up, then waitlists, as people keep arriving
        for event_id in event_ids:
            for token in tokens:
                pairs.write(f"{event_id} {token}\n")
    threads = 2
    command = [shutil.which("wrk"), f"-t{threads}", f"-c{clients}", f"-d{int(seconds)}s", "--latency",
               "-s", str(ROOT / "bench" / "enrol.lua"), f"http://{HOST}:{PORT}", "--", pairs.name, str(threads)]
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    elapsed = time.monotonic() - started
    os.unlink(pairs.name)

    def ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    summary = re.search(r"^\s*(\d+) requests in ([\d.]+)(\w+),", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return ms("50"), ms("99"), elapsed, (summary.group(0).strip() if summary else out[-500:]), non_2xx


def verify(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT e.id, e.capacity, "
            "count(*) FILTER (WHERE n.status = 'confirmed'), count(*) FILTER (WHERE n.status = 'waitlisted'), "
            "count(n.id) - count(DISTINCT n.user_id) "
            "FROM events e LEFT JOIN enrolments n ON n.event_id = e.id GROUP BY e.id, e.capacity")).all()
    engine.dispose()
    over = [r for r in rows if r[2] > r[1]]
    waiting_with_seat = [r for r in rows if r[3] > 0 and r[2] < r[1]]
    twice = [r for r in rows if r[4] > 0]
    return rows, over, waiting_with_seat, twice


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--notifications", choices=("on", "off"), default="on")
    parser.add_argument("--driver", choices=("wrk", "python"), default=None,
                        help="load generator: wrk (default when installed: apt-get install wrk) or Python threads")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 120)  # bounded, whatever is asked
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", SECRET_KEY=secrets.token_urlsafe(32),
               RATELIMIT_ENABLED="0", SESSION_COOKIE_SECURE="0", BASE_URL=f"http://{HOST}:{PORT}",
               NOTIFICATIONS_ENABLED="1" if args.notifications == "on" else "0", MAIL_DELIVER_AFTER_COMMIT="0")

    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    local_db.recreate(url)
    migrate(env)
    event_ids, tokens = seed(url)
    print(f"seeded {len(event_ids)} events x {CAPACITY} seats, {len(tokens)} participants with tokens")
    import shutil

    driver = args.driver or ("wrk" if shutil.which("wrk") else "python")
    machine.report("before")
    proc = start_gunicorn(env)
    try:
        if driver == "wrk":
            p50, p99, elapsed, summary, non_2xx = drive_wrk(event_ids, tokens, args.clients, args.seconds)
        else:
            latencies, statuses, elapsed = drive(event_ids, tokens, args.clients, args.seconds)
    finally:
        stop(proc)
    machine.report("after")
    rows, over, waiting_with_seat, twice = verify(url)
    if driver == "wrk":
        created = sum(r[2] + r[3] for r in rows)  # every enrolment that the database holds
        print(f"gunicorn -w 2, wrk with {args.clients} connections, {elapsed:.1f} s: {summary}"
              f"{'; non-2xx: ' + non_2xx.group(1) if non_2xx else ''}")
    else:
        created = statuses.get(201, 0)
        latencies.sort()
        p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else float("nan")
        print(f"gunicorn -w 2, {args.clients} Python clients, {elapsed:.1f} s: {len(latencies)} requests, "
              f"statuses {statuses}")
    print(f"enrolments/s: {created / elapsed:.0f}   p50: {p50:.1f} ms   p99: {p99:.1f} ms")
    confirmed = sum(r[2] for r in rows)
    waitlisted = sum(r[3] for r in rows)
    print(f"database: {confirmed} confirmed, {waitlisted} waitlisted over {len(rows)} events")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        queued = conn.execute(sa.text("SELECT count(*) FROM outbox WHERE kind LIKE 'enrolment_%'")).scalar()
    engine.dispose()
    print(f"notifications {args.notifications}: {queued} enrolment e-mails queued in the outbox")
    if over or waiting_with_seat or twice:
        print(f"FAILED: over capacity {over}, waiting while a seat is free {waiting_with_seat}, twice {twice}")
        return 1
    print("OK: no event is over capacity, nobody waits while a seat is free, nobody is enrolled twice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
