"""Appointments and office hours as calendar items: the booked person's appointment (with
the meeting link), the adviser's and organiser's view, and office-hour blocks in a desk's
public feed. Pure functions over loaded rows."""
from flask_babel import gettext as _

from ..core.ical import FeedItem, absolute, latest, lines, make_uid, place, shared
from ..core.timeutil import zone


def appointment_place(appointment):
    if appointment.mode == "visit":
        return appointment.address
    if appointment.mode == "online":
        return _("Online")
    return place(appointment.desk.venue)


def _status(appointment):
    return "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED"


def _desk(desk):
    """What every item of ``desk`` repeats (made once per desk while a feed is built): the
    public link, CATEGORIES and the organiser's line of DESCRIPTION."""
    return (absolute("helpdesk.desk", desk_id=desk.id), tuple(c for c in (desk.network, _("Help desk")) if c),
            _("Organiser: %(name)s", name=desk.organisation.name))


def _shared(desk):
    return shared(("helpdesk.desk", desk.id), lambda: _desk(desk))


def _common(appointment):
    desk = appointment.desk
    return dict(start=appointment.starts_at, end=appointment.ends_at, tz=desk.timezone,
                sequence=appointment.sequence, last_modified=appointment.updated_at, status=_status(appointment),
                location=appointment_place(appointment), organiser=desk.organisation.name,
                categories=_shared(desk)[1])


def appointment_item(appointment):
    """The booked person's appointment (the meeting link is theirs to see)."""
    desk = appointment.desk
    link = desk.meeting_link if appointment.mode == "online" else ""
    public, _categories, organiser_line = _shared(desk)
    return FeedItem(
        uid=make_uid("appointment", appointment.id),
        summary=_("%(desk)s: %(topic)s with %(adviser)s", desk=desk.name, topic=appointment.topic,
                  adviser=appointment.adviser.user.name),
        description=lines(appointment.message, link, organiser_line, public),
        url=public, **_common(appointment),
    )


def staff_appointment_item(appointment):
    """An appointment in the adviser's or organiser's feed: the person's name and topic."""
    desk = appointment.desk
    return FeedItem(
        uid=make_uid("staff-appointment", appointment.id),
        summary=f"{appointment.user.name}: {appointment.topic} ({desk.name})",
        description=lines(_("Adviser: %(name)s", name=appointment.adviser.user.name), appointment.message),
        url=absolute("helpdesk.agenda"), **_common(appointment),
    )


def office_hours_item(desk, rule, adviser_name, start, end):
    """One block of office hours in a desk's public feed (does not block the viewer's time)."""
    local_day = start.astimezone(zone(desk.timezone)).date()
    public, categories, organiser_line = _shared(desk)
    # Hours at the desk's venue change with it (its name, address, zone): its revision counts.
    venue = desk.venue if rule.mode != "online" else None
    return FeedItem(
        uid=make_uid(f"office-hours-{rule.id}", local_day.strftime("%Y%m%d")),
        summary=shared(("helpdesk.hours", adviser_name), lambda: _("Office hours: %(name)s", name=adviser_name)),
        start=start, end=end, tz=desk.timezone, sequence=venue.sequence if venue is not None else 0,
        last_modified=latest(rule.created_at, venue.updated_at if venue is not None else None),
        location=_("Online") if rule.mode == "online" else place(desk.venue),
        url=public, transparent=True, organiser=desk.organisation.name,
        description=lines(organiser_line, public), categories=categories,
    )
