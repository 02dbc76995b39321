"""Events and workshop series: sessions, registration questions, enrolments, attendance.

The database backs the services' rules up: one active enrolment per person and event
(series mode) or per person and session (session mode) is a partial unique index on
both SQLite and PostgreSQL; statuses, modes and time order are CHECK constraints.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, Versioned, sql_in, utcnow
from ..core.questions import QuestionFields
from ..extensions import db
from ..organisations.models import InPublicCalendars

EVENT_STATUSES = ("draft", "published", "cancelled")
ENROLMENT_MODES = ("series", "session")
QUESTION_KINDS = ("text", "choice", "yesno")
ENROLMENT_STATUSES = ("pending", "confirmed", "waitlisted", "cancelled", "declined")
#: Statuses that hold a person's place in the event (or session): only one may exist.
ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")

_ACTIVE_SQL = sql_in("status", ACTIVE_STATUSES)


class Event(InPublicCalendars, Versioned, db.Model):
    """An event or a workshop series of one organisation."""

    __versioned__ = ("status", "title")

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", EVENT_STATUSES), name="status_known"),
        sa.CheckConstraint(sql_in("enrolment_mode", ENROLMENT_MODES), name="enrolment_mode_known"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("min_participants >= 0", name="min_participants_not_negative"),
        sa.CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL "
            "OR registration_closes_at > registration_opens_at",
            name="registration_window_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id", ondelete="SET NULL"),
                                                     index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    enrolment_mode: Mapped[str] = mapped_column(sa.String(20), default="series")
    #: Seats per event (series mode) or per session (session mode).
    capacity: Mapped[int]
    min_participants: Mapped[int] = mapped_column(default=0)
    waitlist: Mapped[bool] = mapped_column(default=True)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Participants may cancel themselves until then (no limit when empty).
    cancel_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Organisers get a message when a participant cancels their own enrolment.
    notify_organisers_of_cancellations: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Facilitators and mentors, one per line; they take no seat.
    facilitators: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821  (no join: FOR UPDATE)
    programme: Mapped["Programme | None"] = relationship()  # noqa: F821
    # Loaded when used (pages ask for them with selectinload): locking an event reloads it,
    # and enrolment needs neither list on its hot path.
    sessions: Mapped[list["Session"]] = relationship(
        back_populates="event", order_by="(Session.starts_at, Session.id)", cascade="all, delete-orphan",
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="event", order_by="(Question.position, Question.id)", cascade="all, delete-orphan",
    )

    @property
    def is_series(self):
        return self.enrolment_mode == "series"

    @property
    def facilitator_names(self):
        return [line.strip() for line in (self.facilitators or "").splitlines() if line.strip()]

    @property
    def starts_at(self):
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def timezone(self):
        """The zone to show the event's own times in: its first venue's, else the organisation's."""
        return self.sessions[0].venue.timezone if self.sessions else self.organisation.timezone

    def __repr__(self):
        return f"<Event {self.id} {self.title!r}>"


class Session(InPublicCalendars, Versioned, db.Model):
    """One contiguous block of an event, at its own venue (a 2-day module = two sessions)."""

    __versioned__ = ("starts_at", "ends_at", "venue_id", "title")

    __tablename__ = "event_sessions"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    module_label: Mapped[str] = mapped_column(sa.String(120), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    event: Mapped[Event] = relationship(back_populates="sessions")
    venue: Mapped["Venue"] = relationship()  # noqa: F821  (no join: FOR UPDATE)

    def calendar_organisation_id(self):
        event = self.event
        if event is None and self.event_id is not None:
            # A pending session added by id: the relationship does not load before the INSERT.
            event = sa.orm.object_session(self).get(Event, self.event_id)
        return event.calendar_organisation_id() if event is not None else None


#: When the event's first session starts (registration closes then unless the organiser set
#: a date). Deferred: enrolment asks for it in the query that locks the event.
Event.first_starts_at = sa.orm.column_property(
    sa.select(sa.func.min(Session.starts_at)).where(Session.event_id == Event.id)
    .correlate_except(Session).scalar_subquery(),
    deferred=True,
)


class Question(QuestionFields, db.Model):
    """A custom registration question: free text, single choice or yes/no."""

    __tablename__ = "event_questions"
    __table_args__ = (sa.CheckConstraint(sql_in("kind", QUESTION_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(20), default="text")
    label: Mapped[str] = mapped_column(sa.String(300))
    required: Mapped[bool] = mapped_column(default=False)
    #: Choices of a single-choice question, one per line.
    choices: Mapped[str] = mapped_column(sa.Text, default="")

    event: Mapped[Event] = relationship(back_populates="questions")


class Enrolment(Versioned, db.Model):
    """A person's place in an event (series mode) or in one session (session mode)."""

    __versioned__ = ("status",)

    __tablename__ = "enrolments"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", ENROLMENT_STATUSES), name="status_known"),
        sa.CheckConstraint("status <> 'waitlisted' OR queue_seq IS NOT NULL", name="waitlisted_has_place"),
        # One active enrolment per person: per event in series mode, per session in session mode.
        sa.Index(
            "uq_enrolments_active_event_user", "event_id", "user_id", unique=True,
            sqlite_where=sa.text(f"session_id IS NULL AND {_ACTIVE_SQL}"),
            postgresql_where=sa.text(f"session_id IS NULL AND {_ACTIVE_SQL}"),
        ),
        sa.Index(
            "uq_enrolments_active_session_user", "session_id", "user_id", unique=True,
            sqlite_where=sa.text(f"session_id IS NOT NULL AND {_ACTIVE_SQL}"),
            postgresql_where=sa.text(f"session_id IS NOT NULL AND {_ACTIVE_SQL}"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event_sessions.id", ondelete="CASCADE"),
                                                   index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    #: Waitlist order: taken under the parent's lock, strictly increasing per event/session.
    queue_seq: Mapped[int | None]
    #: ``{"<question id>": "answer"}``
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Why an organiser declined it (shown to the participant; may be empty).
    decline_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped[Session | None] = relationship()
    user: Mapped["User"] = relationship(lazy="joined")  # noqa: F821

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class Attendance(db.Model):
    """A confirmed participant checked in at one session."""

    __tablename__ = "event_attendances"
    __table_args__ = (sa.UniqueConstraint("session_id", "enrolment_id", name="uq_event_attendances_session_enrolment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
