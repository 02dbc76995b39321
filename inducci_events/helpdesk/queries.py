"""Read-only look-ups for pages, API and the benchmark: desks, free slots, agendas, use."""
from collections import Counter
from datetime import datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from ..core.db import utcnow
from ..core.errors import NotFound
from ..core.timeutil import local_to_utc, zone
from ..extensions import db
from ..organisations.models import Organisation, Venue
from .models import Absence, Adviser, Appointment, HelpDesk, MentoringRequest, OfficeHourRule, desk_advisers
from .slots import compute_free_slots


def desk_or_404(desk_id):
    desk = db.session.get(HelpDesk, desk_id)
    if desk is None:
        raise NotFound("helpdesk_not_found")
    return desk


def desks(*, organisation=None, topic=None, region=None, language=None):
    """The desk directory, filtered; desks of one network are listed together."""
    stmt = sa.select(HelpDesk).join(Organisation, HelpDesk.organisation_id == Organisation.id)
    if organisation:
        stmt = stmt.where(Organisation.slug == organisation)
    if region:
        stmt = stmt.where(Organisation.region == region)
    found = db.session.scalars(stmt.order_by(HelpDesk.network, Organisation.name, HelpDesk.name)).unique().all()
    # Topics and languages are short JSON lists: filter them here, the same way on both databases.
    if topic:
        found = [d for d in found if topic.lower() in (t.lower() for t in d.topics)]
    if language:
        found = [d for d in found if language.lower() in (lang.lower() for lang in d.languages)]
    return found


def directory_choices():
    """Regions, topics and languages that occur, for the directory's filters."""
    all_desks = db.session.scalars(sa.select(HelpDesk)).unique().all()
    regions = sorted({d.organisation.region for d in all_desks})
    topics = sorted({t for d in all_desks for t in d.topics}, key=str.lower)
    languages = sorted({lang for d in all_desks for lang in d.languages}, key=str.lower)
    return regions, topics, languages


def adviser_for_user(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(sa.select(Adviser).where(Adviser.user_id == user.id))


def free_slots(desk_ids, starts_at, ends_at, *, now=None):
    """Free slots of the desks ``desk_ids`` starting in ``[starts_at, ends_at)`` (UTC).

    Four queries: the desks, the rules, the advisers' absences, and the advisers' active
    appointments in range at *any* desk (an adviser booked elsewhere is not free). Only
    slots bookable ``now`` (the desk's lead time and horizon) are kept.
    """
    desk_ids = list(desk_ids)
    now = now or utcnow()
    # HelpDesk.timezone, in SQL: the venue's zone, else the organisation's.
    desk_rows = db.session.execute(
        sa.select(HelpDesk.id, sa.func.coalesce(Venue.timezone, Organisation.timezone).label("timezone"),
                  HelpDesk.lead_time_hours, HelpDesk.horizon_days)
        .join(Organisation, HelpDesk.organisation_id == Organisation.id)
        .outerjoin(Venue, HelpDesk.venue_id == Venue.id)
        .where(HelpDesk.id.in_(desk_ids))).all()
    zones = {row.id: row.timezone for row in desk_rows}
    earliest = {row.id: now + timedelta(hours=row.lead_time_hours) for row in desk_rows}
    latest = {row.id: now + timedelta(days=row.horizon_days) + timedelta(seconds=1) for row in desk_rows}
    # Local dates may be a day either side of the UTC range.
    first_day = (starts_at - timedelta(days=1)).date()
    last_day = (ends_at + timedelta(days=1)).date()
    rule_stmt = sa.select(OfficeHourRule).where(
        OfficeHourRule.desk_id.in_(desk_ids), OfficeHourRule.valid_from <= last_day,
        sa.or_(OfficeHourRule.valid_until.is_(None), OfficeHourRule.valid_until >= first_day))
    rules = db.session.scalars(rule_stmt.execution_options(populate_existing=False)).unique().all()
    adviser_ids = sorted({r.adviser_id for r in rules})
    if not rules:
        return []
    absences = db.session.scalars(sa.select(Absence).where(
        Absence.adviser_id.in_(adviser_ids), Absence.starts_on <= last_day, Absence.ends_on >= first_day)).all()
    # Appointments are at most a day long; look a day back for ones that still overlap.
    appointments = db.session.execute(sa.select(
        Appointment.adviser_id, Appointment.desk_id, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.adviser_id.in_(adviser_ids), Appointment.status != "cancelled",
        Appointment.starts_at < ends_at + timedelta(days=1),
        Appointment.starts_at >= starts_at - timedelta(days=1))).all()
    return compute_free_slots(rules, absences, [tuple(a) for a in appointments], zones, starts_at, ends_at,
                              earliest=earliest, latest_by_desk=latest)


def week_view(desk, slots, first_day, days=7):
    """``[(date, [slot, ...]), ...]`` for ``days`` local days from ``first_day``."""
    tz = zone(desk.timezone)
    columns = {first_day + timedelta(days=i): [] for i in range(days)}
    for slot in slots:
        day = slot.starts_at.astimezone(tz).date()
        if day in columns:
            columns[day].append(slot)
    return list(columns.items())


def local_day_bounds(day, tz_name, days=1):
    """UTC ``[start, end)`` of ``days`` local calendar days from ``day`` in ``tz_name``."""
    return (local_to_utc(datetime.combine(day, time()), tz_name),
            local_to_utc(datetime.combine(day + timedelta(days=days), time()), tz_name))


def appointments_of_user(user):
    return db.session.scalars(sa.select(Appointment).where(Appointment.user_id == user.id)
                              .order_by(Appointment.starts_at.desc())).unique().all()


def mentoring_requests_of_user(user):
    return db.session.scalars(sa.select(MentoringRequest).where(MentoringRequest.user_id == user.id)
                              .order_by(MentoringRequest.created_at.desc())).unique().all()


def agenda(adviser, starts_at, ends_at):
    """The adviser's appointments at every desk in ``[starts_at, ends_at)``."""
    return db.session.scalars(sa.select(Appointment).where(
        Appointment.adviser_id == adviser.id, Appointment.starts_at >= starts_at,
        Appointment.starts_at < ends_at).order_by(Appointment.starts_at)).unique().all()


def open_mentoring_requests(adviser):
    """Mentoring requests waiting at the adviser's desks."""
    desk_ids = db.session.scalars(sa.select(desk_advisers.c.desk_id).where(
        desk_advisers.c.adviser_id == adviser.id)).all()
    if not desk_ids:
        return []
    return db.session.scalars(sa.select(MentoringRequest).where(
        MentoringRequest.desk_id.in_(desk_ids), MentoringRequest.status.in_(("open", "proposed")))
        .order_by(MentoringRequest.created_at)).unique().all()


def desks_of_organisation(org):
    return db.session.scalars(sa.select(HelpDesk).where(HelpDesk.organisation_id == org.id)
                              .order_by(HelpDesk.name)).unique().all()


def rules_of_desk(desk):
    return db.session.scalars(sa.select(OfficeHourRule).where(OfficeHourRule.desk_id == desk.id)
                              .order_by(OfficeHourRule.valid_from, OfficeHourRule.start_time)).unique().all()


def absences_of(adviser_ids):
    if not adviser_ids:
        return []
    return db.session.scalars(sa.select(Absence).where(Absence.adviser_id.in_(adviser_ids))
                              .order_by(Absence.starts_on)).all()


def desk_use(desk):
    """The organiser's overview of a desk: people served, appointments per topic and month.

    Counts appointments that were not cancelled; "served" are the distinct people among them.
    """
    rows = db.session.execute(sa.select(Appointment.user_id, Appointment.topic, Appointment.starts_at,
                                        Appointment.status)
                              .where(Appointment.desk_id == desk.id, Appointment.status != "cancelled")).all()
    tz = zone(desk.timezone)
    per_topic = Counter(r.topic for r in rows)
    per_month = Counter(r.starts_at.astimezone(tz).strftime("%Y-%m") for r in rows)
    per_status = Counter(r.status for r in rows)
    return {
        "people_served": len({r.user_id for r in rows}),
        "appointments": len(rows),
        "completed": per_status.get("completed", 0),
        "no_show": per_status.get("no_show", 0),
        "per_topic": sorted(per_topic.items(), key=lambda kv: (-kv[1], kv[0])),
        "per_month": sorted(per_month.items()),
    }


# --- API look-ups -------------------------------------------------------------------------

#: The longest range of free slots asked for at once (days).
MAX_SLOT_RANGE_DAYS = 62


def local_today(desk, now=None):
    """Today's date in the desk's zone."""
    return (now or utcnow()).astimezone(zone(desk.timezone)).date()


class DeskSlot(NamedTuple):
    """A free slot with the zone its desk shows times in."""

    adviser_id: int
    starts_at: datetime
    ends_at: datetime
    seats_left: int
    mode: str
    timezone: str


def slots_between(desk, first=None, last=None, *, now=None):
    """Free slots of ``desk`` on the local days ``first``..``last`` (both included; default:
    from the desk's today, a week).

    :raises ValidationFailed: ``last`` before ``first``, or more than 62 days.
    """
    from flask_babel import gettext as _

    from ..core.errors import ValidationFailed

    first = first or local_today(desk, now)
    last = last or first + timedelta(days=7)
    if last < first:
        raise ValidationFailed(fields={"to": [_("“to” must not be before “from”.")]})
    if (last - first).days > MAX_SLOT_RANGE_DAYS:
        raise ValidationFailed(fields={"to": [_("At most %(n)d days at once.", n=MAX_SLOT_RANGE_DAYS)]})
    start, end = local_day_bounds(first, desk.timezone, days=(last - first).days + 1)
    return [DeskSlot(s.adviser_id, s.starts_at, s.ends_at, s.seats_left, s.mode, desk.timezone)
            for s in free_slots([desk.id], start, end, now=now)]


def meeting_link_for(appointment, viewer, now=None):
    """The desk's online meeting link, for the booked person only, while the online
    appointment is confirmed and has not started yet (pages and API)."""
    if (viewer is None or viewer.id != appointment.user_id or appointment.mode != "online"
            or appointment.status != "confirmed" or appointment.starts_at <= (now or utcnow())):
        return None
    return appointment.desk.meeting_link or None


def appointments_of(user, *, past=False, now=None):
    """The user's appointments: those not over yet, soonest first; with ``past``, the
    ones that have ended, latest first."""
    now = now or utcnow()
    stmt = sa.select(Appointment).where(Appointment.user_id == user.id)
    if past:
        stmt = stmt.where(Appointment.ends_at <= now).order_by(Appointment.starts_at.desc(), Appointment.id.desc())
    else:
        stmt = stmt.where(Appointment.ends_at > now).order_by(Appointment.starts_at, Appointment.id)
    return db.session.scalars(stmt).unique().all()
