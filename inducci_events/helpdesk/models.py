"""Help desks, adviser profiles, office-hour rules, absences, appointments, mentoring requests.

Slots are not stored: they are computed from the rules (see :mod:`.slots`). The adviser
profile row is the lock parent of every booking, so one adviser is never booked twice at
the same time at any desk; the partial unique index on (adviser, start, seat) of active
appointments backs that up in the database.
"""
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, Versioned, sql_in, utcnow
from ..extensions import db

APPOINTMENT_STATUSES = ("confirmed", "cancelled", "completed", "no_show")
#: Where an appointment takes place; office hours are on site or online, a mentoring visit is a ``visit``.
MODES = ("onsite", "online", "visit")
RULE_MODES = ("onsite", "online")
MENTORING_STATUSES = ("open", "proposed", "accepted", "withdrawn")

desk_advisers = sa.Table(
    "helpdesk_desk_advisers",
    db.metadata,
    sa.Column("desk_id", sa.ForeignKey("helpdesks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("adviser_id", sa.ForeignKey("helpdesk_advisers.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class HelpDesk(db.Model):
    """A desk of one organisation; desks of several organisations share a ``network`` label."""

    __tablename__ = "helpdesks"
    __table_args__ = (
        sa.CheckConstraint("lead_time_hours >= 0", name="lead_time_not_negative"),
        sa.CheckConstraint("horizon_days > 0", name="horizon_positive"),
        sa.CheckConstraint("cancel_until_hours >= 0", name="cancel_until_not_negative"),
        sa.CheckConstraint("max_upcoming_per_person > 0", name="max_upcoming_positive"),
        sa.CheckConstraint("online OR venue_id IS NOT NULL", name="venue_or_online"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 index=True)
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    online: Mapped[bool] = mapped_column(default=False)
    #: Shown only to people with an appointment at this desk.
    meeting_link: Mapped[str] = mapped_column(sa.String(500), default="")
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    network: Mapped[str] = mapped_column(sa.String(120), default="", index=True)
    lead_time_hours: Mapped[int] = mapped_column(default=12)
    horizon_days: Mapped[int] = mapped_column(default=56)
    cancel_until_hours: Mapped[int] = mapped_column(default=24)
    max_upcoming_per_person: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped["Organisation"] = relationship(lazy="joined")  # noqa: F821
    venue: Mapped["Venue | None"] = relationship(lazy="joined")  # noqa: F821
    advisers: Mapped[list["Adviser"]] = relationship(secondary=desk_advisers, back_populates="desks",
                                                     lazy="selectin", order_by="Adviser.id")

    @property
    def timezone(self):
        """The venue's zone, else the organisation's; office-hour rules are wall-clock times in it.

        Derived, not stored, so a venue that moves to another zone takes its desks along.
        """
        return self.venue.timezone if self.venue is not None else self.organisation.timezone

    def __repr__(self):
        return f"<HelpDesk {self.id} {self.name}>"


class Adviser(db.Model):
    """One profile per adviser (a user with the ``adviser`` membership), whatever the desks.

    This row is the lock parent for booking: ``lock_parent(Adviser, id)``.
    """

    __tablename__ = "helpdesk_advisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)

    # selectin, not joined: lock_parent(Adviser) must lock this row alone (FOR UPDATE).
    user: Mapped["User"] = relationship(lazy="selectin")  # noqa: F821
    desks: Mapped[list[HelpDesk]] = relationship(secondary=desk_advisers, back_populates="advisers")

    @property
    def name(self):
        return self.user.name


class OfficeHourRule(db.Model):
    """Weekly office hours of one adviser at one desk, wall-clock in the desk's zone.

    ``weekdays`` is a bit mask (bit 0 = Monday). A one-off extra hour is a rule whose
    ``valid_from`` equals ``valid_until`` (:attr:`one_off`).
    """

    __tablename__ = "helpdesk_rules"
    __table_args__ = (
        sa.CheckConstraint("weekdays BETWEEN 1 AND 127", name="weekdays_mask"),
        sa.CheckConstraint("end_time > start_time", name="time_order"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 480", name="slot_length"),
        sa.CheckConstraint("buffer_minutes BETWEEN 0 AND 240", name="buffer_length"),
        sa.CheckConstraint("seats BETWEEN 1 AND 100", name="seats_range"),
        sa.CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="valid_order"),
        sa.CheckConstraint(sql_in("mode", RULE_MODES), name="mode_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesks.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesk_advisers.id", ondelete="CASCADE"),
                                            index=True)
    weekdays: Mapped[int]
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    slot_minutes: Mapped[int] = mapped_column(default=60)
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    seats: Mapped[int] = mapped_column(default=1)
    mode: Mapped[str] = mapped_column(sa.String(10), default="onsite")
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    adviser: Mapped[Adviser] = relationship(lazy="joined")

    @property
    def one_off(self):
        """Valid on a single date (extra hours), shown as "once" rather than as weekdays."""
        return self.valid_until is not None and self.valid_until == self.valid_from

    @property
    def weekday_list(self):
        return [d for d in range(7) if self.weekdays & (1 << d)]


class Absence(db.Model):
    """An adviser is away on these days (inclusive, local dates of the desk), at every desk."""

    __tablename__ = "helpdesk_absences"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adviser_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesk_advisers.id", ondelete="CASCADE"),
                                            index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")


class Appointment(Versioned, db.Model):
    """A booked seat of a slot (or an accepted mentoring visit)."""

    __versioned__ = ("starts_at", "ends_at", "status", "address", "mode", "desk_id")

    __tablename__ = "helpdesk_appointments"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="time_order"),
        sa.CheckConstraint(sql_in("status", APPOINTMENT_STATUSES), name="status_known"),
        sa.CheckConstraint("seat >= 1", name="seat_positive"),
        sa.CheckConstraint(sql_in("mode", MODES), name="mode_known"),
        # One adviser, one start, one seat: never two active appointments in the same place.
        sa.Index("uq_helpdesk_appointments_adviser_start_seat", "adviser_id", "starts_at", "seat", unique=True,
                 sqlite_where=sa.text("status != 'cancelled'"),
                 postgresql_where=sa.text("status != 'cancelled'")),
        # A person takes at most one seat of a slot.
        sa.Index("uq_helpdesk_appointments_person_slot", "user_id", "adviser_id", "starts_at", unique=True,
                 sqlite_where=sa.text("status != 'cancelled'"),
                 postgresql_where=sa.text("status != 'cancelled'")),
        sa.Index("ix_helpdesk_appointments_adviser_starts", "adviser_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesks.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesk_advisers.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("helpdesk_rules.id", ondelete="SET NULL"),
                                                index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seat: Mapped[int] = mapped_column(default=1)
    mode: Mapped[str] = mapped_column(sa.String(10), default="onsite")
    topic: Mapped[str] = mapped_column(sa.String(120))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    #: For a mentoring visit: the person's premises.
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="confirmed")
    #: Private: only the adviser (and the desk's organisers) see them.
    adviser_notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    desk: Mapped[HelpDesk] = relationship(lazy="joined")
    adviser: Mapped[Adviser] = relationship(lazy="joined")
    user: Mapped["User"] = relationship(lazy="joined")  # noqa: F821


class MentoringRequest(db.Model):
    """A person asks for a mentoring visit at their premises; an adviser proposes a time;
    when the person accepts, it becomes an :class:`Appointment` at that address."""

    __tablename__ = "helpdesk_mentoring_requests"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", MENTORING_STATUSES), name="status_known"),
        sa.CheckConstraint("proposed_ends_at IS NULL OR proposed_ends_at > proposed_starts_at",
                           name="proposal_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(sa.ForeignKey("helpdesks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(sa.String(300))
    topic: Mapped[str] = mapped_column(sa.String(120))
    preferred_periods: Mapped[str] = mapped_column(sa.Text, default="")
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="open")
    proposed_adviser_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("helpdesk_advisers.id", ondelete="SET NULL"), index=True)
    proposed_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("helpdesk_appointments.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    desk: Mapped[HelpDesk] = relationship(lazy="joined")
    user: Mapped["User"] = relationship(lazy="joined")  # noqa: F821
    proposed_adviser: Mapped[Adviser | None] = relationship(lazy="joined")
