"""Manual tallies: counts that no booking records, such as showroom visitors at the door."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, utcnow
from ..extensions import db


class ReachTally(db.Model):
    """How many an organiser counted on one day (in the organisation's zone) for one target
    whose metric is ``manual``. One row per target and day: entering a day again replaces it."""

    __tablename__ = "reach_tallies"
    __table_args__ = (
        sa.UniqueConstraint("target_id", "day", name="uq_reach_tallies_target_day"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("reach_targets.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    count: Mapped[int]
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target: Mapped["ReachTarget"] = relationship()  # noqa: F821
