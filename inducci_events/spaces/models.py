"""Listings, their opening hours and blackouts, and bookings of whole days.

A booking covers the days ``[start_date, end_date)`` (end exclusive). The rule that the
confirmed units never exceed ``SpaceListing.units`` on any day is enforced by the services
under a lock on the listing row; the constraints here back up everything a single row can
state (positive units, date order, known statuses, one active booking per person, listing
and start day).
"""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, Versioned, sql_in, utcnow
from ..extensions import db

KINDS = ("shop", "studio", "showroom_shelf", "box", "desk", "workshop", "office")
BOOKING_MODES = ("request", "instant")
LISTING_STATUSES = ("draft", "published", "archived")
BOOKING_STATUSES = ("requested", "confirmed", "declined", "cancelled", "expired")
#: Bookings that still hold (or may come to hold) units.
ACTIVE_STATUSES = ("requested", "confirmed")


class SpaceListing(db.Model):
    __tablename__ = "space_listings"
    __table_args__ = (
        sa.CheckConstraint("units > 0", name="units_positive"),
        sa.CheckConstraint("min_days >= 1", name="min_days_positive"),
        sa.CheckConstraint("max_days >= min_days", name="max_days_not_below_min"),
        sa.CheckConstraint("available_until >= available_from", name="window_order"),
        sa.CheckConstraint("lead_days >= 0", name="lead_days_not_negative"),
        sa.CheckConstraint(sql_in("booking_mode", BOOKING_MODES), name="booking_mode_known"),
        sa.CheckConstraint(sql_in("status", LISTING_STATUSES), name="status_known"),
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind_known"),
        sa.Index("ix_space_listings_status_window", "status", "available_from", "available_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    units: Mapped[int] = mapped_column(default=1)
    min_days: Mapped[int] = mapped_column(default=1)
    max_days: Mapped[int] = mapped_column(default=1)
    #: The bookable window: first and last day that may be booked (both inclusive).
    available_from: Mapped[date] = mapped_column(sa.Date)
    available_until: Mapped[date] = mapped_column(sa.Date)
    #: Earliest start is the venue's today plus this many days.
    lead_days: Mapped[int] = mapped_column(default=0)
    booking_mode: Mapped[str] = mapped_column(sa.String(10), default="request")
    terms: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821  (not joined: FOR UPDATE)
    programme: Mapped["Programme | None"] = relationship()  # noqa: F821
    venue: Mapped["Venue"] = relationship()  # noqa: F821
    opening_hours: Mapped[list["SpaceOpeningHours"]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", lazy="selectin",
        order_by="(SpaceOpeningHours.weekday, SpaceOpeningHours.opens)",
    )
    blackouts: Mapped[list["SpaceBlackout"]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", lazy="selectin", order_by="SpaceBlackout.start_date",
    )

    @property
    def timezone(self):
        return self.venue.timezone

    @property
    def is_bookable(self):
        return self.status == "published"

    def __repr__(self):
        return f"<SpaceListing {self.id} {self.title!r}>"


class SpaceOpeningHours(db.Model):
    """Wall-clock opening hours on one weekday (0 = Monday) in the venue's zone, for visitors."""

    __tablename__ = "space_opening_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("closes > opens", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("space_listings.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time] = mapped_column(sa.Time)
    closes: Mapped[time] = mapped_column(sa.Time)

    listing: Mapped[SpaceListing] = relationship(back_populates="opening_hours")


class SpaceBlackout(db.Model):
    """Days ``[start_date, end_date)`` on which the listing cannot be booked."""

    __tablename__ = "space_blackouts"
    __table_args__ = (sa.CheckConstraint("end_date > start_date", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("space_listings.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    listing: Mapped[SpaceListing] = relationship(back_populates="blackouts")

    @property
    def last_day(self):
        return self.end_date - timedelta(days=1)


class SpaceBooking(Versioned, db.Model):
    __tablename__ = "space_bookings"
    __versioned__ = ("start_date", "end_date", "units", "status")
    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="date_order"),
        sa.CheckConstraint("units > 0", name="units_positive"),
        sa.CheckConstraint(sql_in("status", BOOKING_STATUSES), name="status_known"),
        sa.CheckConstraint("status <> 'declined' OR decline_reason <> ''", name="declined_has_reason"),
        # One active booking per person, listing and start day: a double-submitted form
        # cannot create two.
        sa.Index("uq_space_bookings_active_per_user", "listing_id", "user_id", "start_date", unique=True,
                 sqlite_where=sa.text(sql_in("status", ACTIVE_STATUSES)),
                 postgresql_where=sa.text(sql_in("status", ACTIVE_STATUSES))),
        # Availability reads only confirmed bookings of one listing that end after a day.
        sa.Index("ix_space_bookings_confirmed_by_end", "listing_id", "end_date", "start_date",
                 sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("space_listings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    units: Mapped[int] = mapped_column(default=1)
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10))
    decline_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    #: "creative" or "organiser" once cancelled.
    cancelled_by: Mapped[str] = mapped_column(sa.String(10), default="")
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    listing: Mapped[SpaceListing] = relationship()
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    team: Mapped[list["SpaceTeamMember"]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", lazy="selectin", order_by="SpaceTeamMember.position",
    )

    @property
    def days(self):
        return (self.end_date - self.start_date).days

    @property
    def last_day(self):
        """The last booked day (``end_date`` itself is not booked)."""
        return self.end_date - timedelta(days=1)

    def effective_status(self, today):
        """A request nobody answered before its start day counts as expired."""
        if self.status == "requested" and self.start_date <= today:
            return "expired"
        return self.status


class SpaceTeamMember(db.Model):
    """A member of a cooperative residency: creatives from several regions share the space."""

    __tablename__ = "space_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("space_bookings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(120))
    home_region: Mapped[str] = mapped_column(sa.String(120), default="")

    booking: Mapped[SpaceBooking] = relationship(back_populates="team")
