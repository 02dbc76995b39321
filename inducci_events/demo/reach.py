"""Demo hand counts: the CCI Showcase's visitors at the door, per opening day of the last
three weeks (the other targets count themselves from the demo's bookings and enrolments)."""
import random
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..accounts.models import User
from ..core.timeutil import utc_to_local
from ..extensions import db
from ..organisations.models import Organisation, Programme, ReachTarget
from ..reach.models import ReachTally
from ..reach.services import record_tally
from .foundation import organiser_email

#: (target label, typical visitors per opening day)
SHOWROOM_COUNTS = [("CCI visitors", 7), ("visitors from the public", 9)]


def seed():
    """Returns the number of days counted (0 when the demo has them already)."""
    programme = db.session.scalar(sa.select(Programme).join(Organisation).where(
        Organisation.slug == "saxony", Programme.slug == "cci-showcase"))
    if programme is None:
        return 0
    organiser = db.session.scalar(sa.select(User).where(User.email == organiser_email("saxony")))
    today = utc_to_local(datetime.now(timezone.utc), programme.organisation.timezone).date()
    rng = random.Random(2026)
    added = 0
    for label, typical in SHOWROOM_COUNTS:
        target = db.session.scalar(sa.select(ReachTarget).where(
            ReachTarget.programme_id == programme.id, ReachTarget.label == label, ReachTarget.metric == "manual"))
        if target is None or db.session.scalar(sa.select(sa.func.count()).select_from(ReachTally)
                                               .where(ReachTally.target_id == target.id)):
            continue
        for back in range(21, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() in (0, 6):  # the showroom is closed on Sundays and Mondays
                continue
            record_tally(organiser, target.id, day=day, count=max(0, typical + rng.randint(-4, 6)))
            added += 1
    return added
