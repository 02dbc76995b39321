"""Partners, pilot-action programmes with reach targets, and venues with time zones."""
from datetime import datetime, timedelta
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.db import UTCDateTime, Versioned, utcnow
from ..extensions import db


class InPublicCalendars:
    """Mixin: rows that public calendar feeds show. Adding, changing or deleting one moves its
    organisation's ``calendar_changed_at`` in the same flush; nothing needs to remember to."""

    def calendar_organisation_id(self):
        if self.organisation_id is None and self.organisation is not None:
            return self.organisation.id  # attached through the relationship, not flushed yet
        return self.organisation_id


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(80))
    region: Mapped[str] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(sa.String(64))
    default_locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    #: One of the eight InduCCI partners (shown on the home page). Other organisations take
    #: part through a partner, e.g. an incubator running a desk of the Veneto help-desk network.
    is_partner: Mapped[bool] = mapped_column(default=True)
    #: When anything its public calendar feeds show last changed (its events, their sessions,
    #: its venues and programmes, its own name): those feeds' ETag and Last-Modified, so
    #: a client polling an unchanged feed costs no query beyond this row. Moved by the hook below.
    calendar_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programmes: Mapped[list["Programme"]] = relationship(
        back_populates="organisation", order_by="Programme.title", cascade="all, delete-orphan"
    )
    venues: Mapped[list["Venue"]] = relationship(
        back_populates="organisation", order_by="Venue.name", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Organisation {self.slug}>"


class Programme(InPublicCalendars, db.Model):
    """A pilot action run by one partner (KRACH+, CCI Showcase, boot camp ...)."""

    __tablename__ = "programmes"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "slug", name="uq_programmes_org_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="programmes")
    targets: Mapped[list["ReachTarget"]] = relationship(
        back_populates="programme", order_by="ReachTarget.position", cascade="all, delete-orphan",
        lazy="selectin",
    )


class ReachTarget(db.Model):
    """What a programme wants to reach, e.g. 100 visitors or 15 exhibitors, and what counts
    towards it: ``metric`` names one of the counts that ``reach/`` registers (people enrolled,
    space bookings, a manual tally ...). Stored as a plain name so that this package, below
    the features, needs to know none of them; ``reach`` says what a name means."""

    __tablename__ = "reach_targets"
    __table_args__ = (sa.CheckConstraint("value > 0", name="value_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(120))
    metric: Mapped[str] = mapped_column(sa.String(40), default="manual", server_default="manual")

    programme: Mapped[Programme] = relationship(back_populates="targets")


class Venue(InPublicCalendars, Versioned, db.Model):
    #: What calendars show of a venue (LOCATION) and where its times are: a change raises
    #: ``sequence``, and the features raise the SEQUENCE of the items held there.
    __versioned__ = ("name", "street", "postcode", "city", "country", "timezone")

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    street: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(20), default="")
    city: Mapped[str] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    organisation: Mapped[Organisation] = relationship(back_populates="venues")

    @property
    def address(self):
        """One line, as calendars and maps want it."""
        parts = [self.street, " ".join(p for p in (self.postcode, self.city) if p), self.country]
        return ", ".join(p for p in parts if p)


@event.listens_for(Session, "before_flush")
def _touch_public_calendars(session, flush_context, instances):
    changed = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    owners = {obj.calendar_organisation_id() for obj in chain(session.new, session.deleted, changed)
              if isinstance(obj, InPublicCalendars)}
    renamed = [obj for obj in changed if isinstance(obj, Organisation)
               and not sa.inspect(obj).attrs.calendar_changed_at.history.has_changes()]
    owners.update(obj.id for obj in renamed)  # its name is the feed's name
    for organisation_id in sorted(owners - {None}):
        # Under the row's lock (the UPDATE would take it anyway), so that the stamp never
        # goes back: a transaction that waited here must not write an earlier time than
        # the one that went before it (clients may send If-Modified-Since).
        latest = session.execute(sa.select(Organisation.calendar_changed_at)
                                 .where(Organisation.id == organisation_id).with_for_update()).scalar()
        organisation = session.get(Organisation, organisation_id)
        if organisation is not None:
            now = utcnow()
            organisation.calendar_changed_at = now if latest is None or now > latest else latest + timedelta(
                microseconds=1)
