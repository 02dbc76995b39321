"""What can be counted towards a target: a registry of metrics, each a function
``(programme, period) -> int``.

``period`` is ``None`` (everything so far) or a :class:`Period` of whole days in the
programme's organisation's time zone, end exclusive; a month of the monthly chart is one
such period. Each metric states which date of a row places it in a period.

Metrics are registered explicitly (:func:`register_builtin`, called by ``reach.init_app``).
Packages that are not written yet have their names reserved in :data:`PLANNED`: a target
may name one, and it shows as "not counted yet" until ``reach`` registers its count, read
from that package's queries (imports point down: reach reads the features, never the reverse).
"""
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..core.timeutil import local_to_utc
from ..extensions import db


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    def utc_bounds(self, tz_name):
        return (local_to_utc(datetime.combine(self.start, time()), tz_name),
                local_to_utc(datetime.combine(self.end, time()), tz_name))


@dataclass(frozen=True)
class Metric:
    name: str
    label: object  # lazy string
    unit: str  # what the API calls one counted thing: "people", "bookings", "days" ...
    count: Callable


_REGISTRY: dict[str, Metric] = {}

#: Names kept for counts that packages still to come will provide (issue #17).
PLANNED = {
    "challenges": (_l("Challenges submitted"), "challenges"),
    "applications": (_l("Applications"), "applications"),
}


def register(name, label, unit, count):
    """Make ``count(programme, period) -> int`` available to targets under ``name``."""
    if name in _REGISTRY and _REGISTRY[name].count is not count:
        raise ValueError(f"metric {name!r} registered twice")
    _REGISTRY[name] = Metric(name, label, unit, count)


def get(name):
    """The registered metric ``name`` or ``None`` (planned or unknown)."""
    return _REGISTRY.get(name)


def choices():
    """``(name, label)`` of every registered metric, in registration order."""
    return [(m.name, m.label) for m in _REGISTRY.values()]


def label_of(name):
    metric = _REGISTRY.get(name)
    if metric is not None:
        return metric.label
    return PLANNED.get(name, (name, ""))[0]


def unit_of(name):
    metric = _REGISTRY.get(name)
    if metric is not None:
        return metric.unit
    return PLANNED.get(name, ("", "count"))[1]


def is_known(name):
    return name in _REGISTRY or name in PLANNED


# --- the counts ------------------------------------------------------------------------------

def _scalar(query):
    return int(db.session.scalar(query) or 0)


def _in_utc(column, programme, period):
    if period is None:
        return sa.true()
    start, end = period.utc_bounds(programme.organisation.timezone)
    return sa.and_(column >= start, column < end)


def _in_days(column, period):
    if period is None:
        return sa.true()
    return sa.and_(column >= period.start, column < period.end)


def people_enrolled(programme, period):
    """Distinct people with a confirmed enrolment in the programme's events, placed by when
    they enrolled."""
    from ..workshops.models import Enrolment, Event

    return _scalar(sa.select(sa.func.count(sa.distinct(Enrolment.user_id)))
                   .join(Event, Event.id == Enrolment.event_id)
                   .where(Event.programme_id == programme.id, Enrolment.status == "confirmed",
                          _in_utc(Enrolment.created_at, programme, period)))


def people_attended(programme, period):
    """Distinct people checked in at a session of the programme's events, placed by the
    session's start."""
    from ..workshops.models import Attendance, Enrolment, Event, Session

    return _scalar(sa.select(sa.func.count(sa.distinct(Enrolment.user_id)))
                   .select_from(Attendance)
                   .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
                   .join(Session, Session.id == Attendance.session_id)
                   .join(Event, Event.id == Session.event_id)
                   .where(Event.programme_id == programme.id, _in_utc(Session.starts_at, programme, period)))


def _confirmed_bookings(programme, kinds=None):
    from ..spaces.models import SpaceBooking, SpaceListing

    query = (sa.select(SpaceBooking).join(SpaceListing, SpaceListing.id == SpaceBooking.listing_id)
             .where(SpaceListing.programme_id == programme.id, SpaceBooking.status == "confirmed"))
    if kinds:
        query = query.where(SpaceListing.kind.in_(kinds))
    return query


def space_bookings(programme, period):
    """Confirmed bookings of the programme's listings, placed by their first day."""
    from ..spaces.models import SpaceBooking

    query = _confirmed_bookings(programme).where(_in_days(SpaceBooking.start_date, period))
    return _scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def booked_days(programme, period):
    """Days booked in confirmed bookings of the programme's listings (a booking of 2 units
    for 3 days counts 3), each day in the period it falls in."""
    from ..spaces.models import SpaceBooking

    total = 0
    rows = db.session.execute(_confirmed_bookings(programme).with_only_columns(
        SpaceBooking.start_date, SpaceBooking.end_date)).all()
    for start, end in rows:
        if period is not None:
            start, end = max(start, period.start), min(end, period.end)
        total += max(0, (end - start).days)
    return total


#: Listing kinds whose bookers exhibit (the showroom's shelves and boxes).
EXHIBITOR_KINDS = ("showroom_shelf", "box")


def exhibitors(programme, period):
    """Distinct creatives with a confirmed booking of a showroom shelf or box of the
    programme, placed by the booking's first day."""
    from ..spaces.models import SpaceBooking

    query = (_confirmed_bookings(programme, EXHIBITOR_KINDS).where(_in_days(SpaceBooking.start_date, period))
             .with_only_columns(SpaceBooking.user_id).distinct())
    return _scalar(sa.select(sa.func.count()).select_from(query.subquery()))


#: Appointments that took or will take place (not cancelled, not missed).
HELD_APPOINTMENTS = ("confirmed", "completed")


def _appointments(programme, period):
    """Help desks belong to an organisation, not a programme: a programme counts the
    appointments at its organisation's desks."""
    from ..helpdesk.models import Appointment, HelpDesk

    return (sa.select(Appointment.id, Appointment.user_id).join(HelpDesk, HelpDesk.id == Appointment.desk_id)
            .where(HelpDesk.organisation_id == programme.organisation_id,
                   Appointment.status.in_(HELD_APPOINTMENTS),
                   _in_utc(Appointment.starts_at, programme, period)))


def helpdesk_appointments(programme, period):
    """Confirmed or completed appointments at the organisation's desks, by their start."""
    return _scalar(sa.select(sa.func.count()).select_from(_appointments(programme, period).subquery()))


def people_served(programme, period):
    """Distinct people with a confirmed or completed appointment at the organisation's desks."""
    sub = _appointments(programme, period).subquery()
    return _scalar(sa.select(sa.func.count(sa.distinct(sub.c.user_id))))


def manual_tally(programme, period, target=None):
    """What organisers entered by hand for the target, by day."""
    from .models import ReachTally

    if target is None:
        return 0
    return _scalar(sa.select(sa.func.sum(ReachTally.count))
                   .where(ReachTally.target_id == target.id, _in_days(ReachTally.day, period)))


def feedback_answers(programme, period):
    """Questionnaires filled in after the programme's events (named and anonymous alike),
    placed by the end of the event's last session (anonymous answers carry no time)."""
    from ..feedback.models import FeedbackForm, Respondent
    from ..workshops.models import Event, Session

    last_end = (sa.select(sa.func.max(Session.ends_at)).where(Session.event_id == Event.id)
                .correlate(Event).scalar_subquery())
    return _scalar(sa.select(sa.func.count()).select_from(Respondent)
                   .join(FeedbackForm, FeedbackForm.id == Respondent.form_id)
                   .join(Event, Event.id == FeedbackForm.event_id)
                   .where(Event.programme_id == programme.id, _in_utc(last_end, programme, period)))


def register_builtin():
    register("people_enrolled", _l("People enrolled (confirmed)"), "people", people_enrolled)
    register("people_attended", _l("People who attended"), "people", people_attended)
    register("space_bookings", _l("Space bookings"), "bookings", space_bookings)
    register("booked_days", _l("Booked days"), "days", booked_days)
    register("exhibitors", _l("Exhibitors (showroom shelves and boxes)"), "people", exhibitors)
    register("helpdesk_appointments", _l("Help-desk appointments"), "appointments", helpdesk_appointments)
    register("people_served", _l("People served at the help desks"), "people", people_served)
    register("feedback_answers", _l("Feedback answers"), "answers", feedback_answers)
    register("manual", _l("Counted by hand (daily tally)"), "count", manual_tally)


def count_target(target, period=None):
    """The actual of ``target`` over ``period``; ``None`` when its metric has no count yet."""
    metric = get(target.metric)
    if metric is None:
        return None
    if metric.name == "manual":
        return metric.count(target.programme, period, target=target)
    return metric.count(target.programme, period)
