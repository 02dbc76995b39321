"""Feature rows -> :class:`FeedItem` values. Pure functions: callers load what they use.

Each kind of calendar has its own UID prefix, so the same session in a public feed, in a
personal feed and in an organiser's feed are three separate items for calendar clients
(cancelling one person's enrolment must not cancel the session for everybody).
"""
from datetime import timedelta

from flask import current_app, g, url_for
from flask_babel import gettext as _

from ..core.timeutil import zone
from ..core.ical import FeedItem, latest, make_uid

#: A cancelled item stays in personal and organiser feeds this long, so clients remove it.
CANCELLED_KEPT = timedelta(days=30)


def absolute(endpoint, **values):
    """An absolute link (BASE_URL + path). Remembered in the app context, as a feed repeats
    them (a URL never changes while the app runs); a long-lived worker's memo is bounded."""
    memo = g.setdefault("_calendar_urls", {})
    key = (endpoint, tuple(sorted(values.items())))
    if key not in memo:
        if len(memo) >= 20_000:
            memo.clear()
        memo[key] = current_app.config["BASE_URL"] + url_for(endpoint, **values)
    return memo[key]


def _place(venue):
    return f"{venue.name}, {venue.address}" if venue is not None else ""


def _lines(*parts):
    return "\n".join(p for p in parts if p)


# --- events and workshop series ----------------------------------------------------

def _session_summary(session):
    event = session.event
    title = event.title if session.title in ("", event.title) else f"{event.title} – {session.title}"
    return f"{title} ({session.module_label})" if session.module_label else title


def _session_description(session):
    return _lines(session.notes, session.event.description[:1000])


def session_item(session):
    """A session in public feeds (organisation, programme, event) and downloads."""
    event = session.event
    return FeedItem(
        uid=make_uid("session", session.id),
        summary=_session_summary(session),
        start=session.starts_at, end=session.ends_at, tz=session.venue.timezone,
        sequence=session.sequence + event.sequence,
        last_modified=latest(session.updated_at, event.updated_at),
        status="CANCELLED" if event.status == "cancelled" else "CONFIRMED",
        location=_place(session.venue), description=_session_description(session),
        url=absolute("workshops.detail", event_id=event.id),
    )


def enrolment_session_item(session, enrolment):
    """A session in the participant's personal feed; cancelled with the enrolment."""
    event = session.event
    cancelled = enrolment.status != "confirmed" or event.status == "cancelled"
    return FeedItem(
        uid=make_uid(f"enrolment-{enrolment.id}-session", session.id),
        summary=_session_summary(session),
        start=session.starts_at, end=session.ends_at, tz=session.venue.timezone,
        sequence=session.sequence + event.sequence + enrolment.sequence,
        last_modified=latest(session.updated_at, event.updated_at, enrolment.updated_at),
        status="CANCELLED" if cancelled else "CONFIRMED",
        location=_place(session.venue), description=_session_description(session),
        url=absolute("workshops.mine"),
    )


def organiser_session_item(session, confirmed, waitlisted, enrolments_changed_at=None):
    """A session in the organiser's feed, with seat and waitlist counts."""
    event = session.event
    counts = _("%(confirmed)d of %(capacity)d confirmed, %(waiting)d waiting",
               confirmed=confirmed, capacity=event.capacity, waiting=waitlisted)
    return FeedItem(
        uid=make_uid("organiser-session", session.id),
        summary=f"{_session_summary(session)} [{confirmed}/{event.capacity}]",
        start=session.starts_at, end=session.ends_at, tz=session.venue.timezone,
        sequence=session.sequence + event.sequence,
        last_modified=latest(session.updated_at, event.updated_at, enrolments_changed_at),
        status="CANCELLED" if event.status == "cancelled" else
        ("TENTATIVE" if event.status == "draft" else "CONFIRMED"),
        location=_place(session.venue), description=_lines(counts, _session_description(session)),
        url=absolute("workshops.manage_event", slug=event.organisation.slug, event_id=event.id),
    )


# --- pop-up spaces -------------------------------------------------------------------

def _booking_times(booking):
    return dict(start=booking.start_date, end=booking.end_date)


def booking_item(booking):
    """A creative's own space booking (all-day, end exclusive) in their personal feed."""
    listing = booking.listing
    return FeedItem(
        uid=make_uid("space-booking", booking.id),
        summary=_("Pop-up: %(title)s", title=listing.title),
        sequence=booking.sequence, last_modified=booking.updated_at,
        status={"confirmed": "CONFIRMED", "requested": "TENTATIVE"}.get(booking.status, "CANCELLED"),
        location=_place(listing.venue), description=booking.purpose,
        url=absolute("spaces.my_bookings"), **_booking_times(booking),
    )


def occupancy_item(booking):
    """A busy block in a listing's public feed: dates and units only, no names."""
    listing = booking.listing
    return FeedItem(
        uid=make_uid("space-occupancy", booking.id),
        summary=_("Booked: %(units)d of %(total)d", units=booking.units, total=listing.units),
        sequence=booking.sequence, last_modified=booking.updated_at,
        status="CONFIRMED" if booking.status == "confirmed" else "CANCELLED",
        location=_place(listing.venue), url=absolute("spaces.detail", listing_id=listing.id),
        **_booking_times(booking),
    )


def organiser_booking_item(booking):
    """A confirmed booking in the organiser's feed, with the creative's name and purpose."""
    listing = booking.listing
    team = ", ".join(f"{m.name} ({m.home_region})" if m.home_region else m.name for m in booking.team)
    return FeedItem(
        uid=make_uid("organiser-space-booking", booking.id),
        summary=f"{listing.title}: {booking.user.name}",
        sequence=booking.sequence, last_modified=booking.updated_at,
        status="CONFIRMED" if booking.status == "confirmed" else "CANCELLED",
        location=_place(listing.venue),
        description=_lines(booking.purpose, _("Team: %(team)s", team=team) if team else "",
                           _("Units: %(units)d", units=booking.units)),
        url=absolute("spaces.bookings", slug=listing.organisation.slug), **_booking_times(booking),
    )


# --- help desks ----------------------------------------------------------------------

def _appointment_place(appointment):
    if appointment.mode == "visit":
        return appointment.address
    if appointment.mode == "online":
        return _("Online")
    return _place(appointment.desk.venue)


def _appointment_status(appointment):
    return "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED"


def appointment_item(appointment):
    """The booked person's appointment (the meeting link is theirs to see)."""
    desk = appointment.desk
    link = desk.meeting_link if appointment.mode == "online" else ""
    return FeedItem(
        uid=make_uid("appointment", appointment.id),
        summary=_("%(desk)s: %(topic)s with %(adviser)s", desk=desk.name, topic=appointment.topic,
                  adviser=appointment.adviser.user.name),
        start=appointment.starts_at, end=appointment.ends_at, tz=desk.timezone,
        sequence=appointment.sequence, last_modified=appointment.updated_at,
        status=_appointment_status(appointment), location=_appointment_place(appointment),
        description=_lines(appointment.message, link), url=absolute("helpdesk.mine"),
    )


def staff_appointment_item(appointment):
    """An appointment in the adviser's or organiser's feed: the person's name and topic."""
    desk = appointment.desk
    return FeedItem(
        uid=make_uid("staff-appointment", appointment.id),
        summary=f"{appointment.user.name}: {appointment.topic} ({desk.name})",
        start=appointment.starts_at, end=appointment.ends_at, tz=desk.timezone,
        sequence=appointment.sequence, last_modified=appointment.updated_at,
        status=_appointment_status(appointment), location=_appointment_place(appointment),
        description=_lines(_("Adviser: %(name)s", name=appointment.adviser.user.name), appointment.message),
        url=absolute("helpdesk.agenda"),
    )


def office_hours_item(desk, rule, adviser_name, start, end):
    """One block of office hours in a desk's public feed (does not block the viewer's time)."""
    local_day = start.astimezone(zone(desk.timezone)).date()
    return FeedItem(
        uid=make_uid(f"office-hours-{rule.id}", local_day.strftime("%Y%m%d")),
        summary=_("Office hours: %(name)s", name=adviser_name),
        start=start, end=end, tz=desk.timezone, sequence=0, last_modified=rule.created_at,
        location=_("Online") if rule.mode == "online" else _place(desk.venue),
        url=absolute("helpdesk.desk", desk_id=desk.id), transparent=True,
    )
