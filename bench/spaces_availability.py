"""Benchmark: availability of one listing with 5,000 bookings over three years (six-month
window) and a search across 500 listings for a two-week range. Prints medians and p99.

Run by hand (never in the tests); builds its own database and touches nothing else:

    .venv/bin/python bench/spaces_availability.py                      # SQLite file in /tmp
    .venv/bin/python bench/spaces_availability.py --postgres postgresql+psycopg://postgres@127.0.0.1/inducci_bench_spaces

Targets on the project's machine: availability < 30 ms, search < 100 ms (medians).
"""
import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from inducci_events import create_app  # noqa: E402
from inducci_events.core.db import utcnow  # noqa: E402
from inducci_events.extensions import db  # noqa: E402


def build(n_bookings, n_listings, start):
    from inducci_events.accounts.models import User
    from inducci_events.organisations.models import Organisation, Venue
    from inducci_events.spaces.models import SpaceBooking, SpaceListing

    rng = random.Random(42)
    db.drop_all()
    db.create_all()
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Organisation.__table__), [dict(
            id=i + 1, slug=f"org{i}", name=f"Org {i}", short_name=f"O{i}", region=f"Region {i % 8}", country="DE",
            timezone="Europe/Berlin", default_locale="en", description="", website="") for i in range(8)])
        conn.execute(sa.insert(Venue.__table__), [dict(
            id=i + 1, organisation_id=i + 1, name=f"Venue {i}", street="", postcode="", city="Chemnitz",
            country="DE", timezone="Europe/Berlin", description="") for i in range(8)])
        conn.execute(sa.insert(User.__table__), [dict(
            id=i + 1, email=f"u{i}@example.org", name=f"U {i}", password_hash="x", locale="en", is_admin=False,
            created_at=now) for i in range(200)])
        conn.execute(sa.insert(SpaceListing.__table__), [dict(
            id=i + 1, organisation_id=i % 8 + 1, venue_id=i % 8 + 1, title=f"Listing {i}", description="",
            kind=("shop", "showroom_shelf", "box")[i % 3], units=(1, 15, 2)[i % 3], min_days=1, max_days=60,
            available_from=start, available_until=start + timedelta(days=3 * 365), lead_days=0,
            booking_mode="instant", terms="", status="published", created_at=now) for i in range(n_listings)])
        rows = []
        # Listing 1 gets 50 units, so 5,000 bookings over three years are plausible for it.
        conn.execute(sa.update(SpaceListing.__table__).where(SpaceListing.__table__.c.id == 1).values(units=50))
        for i in range(n_bookings):
            s = start + timedelta(days=rng.randrange(3 * 365 - 30))
            rows.append(dict(listing_id=1, user_id=rng.randrange(200) + 1, start_date=s,
                             end_date=s + timedelta(days=rng.randint(1, 14)), units=1, purpose="Benchmark",
                             status=rng.choice(["confirmed", "confirmed", "confirmed", "cancelled", "requested"]),
                             decline_reason="", cancelled_by="", terms_accepted_at=now, created_at=now,
                             user_seq=i))
        # Spread: 10 bookings on every other listing.
        for listing_id in range(2, n_listings + 1):
            for _ in range(10):
                s = start + timedelta(days=rng.randrange(3 * 365 - 30))
                rows.append(dict(listing_id=listing_id, user_id=rng.randrange(200) + 1, start_date=s,
                                 end_date=s + timedelta(days=rng.randint(1, 14)), units=1, purpose="Benchmark",
                                 status="confirmed", decline_reason="", cancelled_by="", terms_accepted_at=now,
                                 created_at=now, user_seq=0))
        # Respect the one-active-booking-per-person-and-start index.
        seen, unique_rows = set(), []
        for r in rows:
            key = (r["listing_id"], r["user_id"], r["start_date"])
            if r["status"] in ("confirmed", "requested") and key in seen:
                continue
            seen.add(key)
            r.pop("user_seq")
            unique_rows.append(r)
        conn.execute(sa.insert(SpaceBooking.__table__), unique_rows)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def timed(fn, runs):
    times = []
    for _ in range(runs):
        db.session.expire_all()
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        db.session.rollback()
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL URL of a scratch database (it is emptied!)")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    url = args.postgres or "sqlite:////tmp/inducci_bench_spaces.db"
    if not args.postgres:
        Path("/tmp/inducci_bench_spaces.db").unlink(missing_ok=True)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    start = date.today() - timedelta(days=365)
    with app.app_context():
        from inducci_events.spaces import queries
        from inducci_events.spaces.models import SpaceBooking, SpaceListing

        t0 = time.perf_counter()
        build(5000, 500, start)
        print(f"built in {time.perf_counter() - t0:.1f} s on {db.engine.dialect.name}: "
              f"{db.session.scalar(sa.select(sa.func.count()).select_from(SpaceListing))} listings, "
              f"{db.session.scalar(sa.select(sa.func.count()).select_from(SpaceBooking))} bookings, "
              f"{db.session.scalar(sa.select(sa.func.count()).where(SpaceBooking.listing_id == 1))} on listing 1")
        window = date.today() + timedelta(days=30)

        def availability():
            listing = db.session.get(SpaceListing, 1)
            return queries.availability(listing, window, window + timedelta(days=182))

        def search():
            return queries.search(start=window, end=window + timedelta(days=14))

        med, p99, days = timed(availability, args.runs)
        assert len(days) == 182 and all(0 <= d.free_units <= 50 for d in days)
        print(f"availability, 1 listing x 182 days (5,000 bookings): median {med:.1f} ms, p99 {p99:.1f} ms "
              f"(target < 30 ms)")
        med, p99, found = timed(search, args.runs)
        assert 0 < len(found) <= 500
        print(f"search, 500 listings x 14 days: median {med:.1f} ms, p99 {p99:.1f} ms, {len(found)} free "
              f"(target < 100 ms)")
        db.session.remove()
        db.engine.dispose()
    print("command: .venv/bin/python bench/spaces_availability.py" + (f" --postgres {args.postgres}" if args.postgres
                                                                       else ""))


if __name__ == "__main__":
    main()
