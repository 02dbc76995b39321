"""Sessions as calendar items: in public feeds, in the participant's personal feed and in
the organiser's feed (each its own UID prefix: cancelling one person's enrolment must not
cancel the session for everybody). Pure functions over loaded rows; the calendar
feature's feeds and this feature's notifications both use them.

Every item carries the public page's URL, a DESCRIPTION naming the organiser with that
link, and CATEGORIES (the programme and "Event").
"""
from flask_babel import gettext as _

from ..core.ical import FeedItem, absolute, latest, lines, make_uid, place, shared


def _summary(session):
    event = session.event
    title = event.title if session.title in ("", event.title) else f"{event.title} – {session.title}"
    return f"{title} ({session.module_label})" if session.module_label else title


def _about(event):
    """What every session of ``event`` repeats: the public link, the organiser, CATEGORIES and
    the end of DESCRIPTION (made once per event while a feed is built)."""
    public = absolute("workshops.detail", event_id=event.id)
    organiser = event.organisation.name
    categories = tuple(c for c in (event.programme.title if event.programme else "", _("Event")) if c)
    return public, organiser, categories, lines(event.description[:1000], _("Organiser: %(name)s", name=organiser),
                                                public)


def _common(session):
    """What every session item shows: times, place, organiser, public link, categories."""
    event = session.event
    public, organiser, categories, about = shared(("workshops.event", event.id), lambda: _about(event))
    return dict(
        summary=_summary(session), start=session.starts_at, end=session.ends_at, tz=session.venue.timezone,
        location=place(session.venue), url=public, organiser=organiser, categories=categories,
        description=lines(session.notes, about),
    )


def session_item(session):
    """A session in public feeds (organisation, programme, event) and downloads."""
    event = session.event
    return FeedItem(
        uid=make_uid("session", session.id),
        sequence=session.sequence + event.sequence,
        last_modified=latest(session.updated_at, event.updated_at),
        status="CANCELLED" if event.status == "cancelled" else "CONFIRMED",
        **_common(session),
    )


def enrolment_session_item(session, enrolment):
    """A session in the participant's personal feed; cancelled with the enrolment."""
    event = session.event
    cancelled = enrolment.status != "confirmed" or event.status == "cancelled"
    return FeedItem(
        uid=make_uid(f"enrolment-{enrolment.id}-session", session.id),
        sequence=session.sequence + event.sequence + enrolment.sequence,
        last_modified=latest(session.updated_at, event.updated_at, enrolment.updated_at),
        status="CANCELLED" if cancelled else "CONFIRMED",
        **_common(session),
    )


def organiser_session_item(session, confirmed, waitlisted, enrolments_changed_at=None, enrolment_changes=0):
    """A session in the organiser's feed, with seat and waitlist counts in SUMMARY and
    DESCRIPTION. ``enrolment_changes`` counts every enrolment and status change of its seats
    (it never goes down), so a new count comes with a higher SEQUENCE."""
    event = session.event
    counts = shared(("workshops.counts", confirmed, event.capacity, waitlisted), lambda: _(
        "%(confirmed)d of %(capacity)d confirmed, %(waiting)d waiting",
        confirmed=confirmed, capacity=event.capacity, waiting=waitlisted))
    common = _common(session)
    return FeedItem(
        uid=make_uid("organiser-session", session.id),
        **dict(common, summary=f"{common['summary']} [{confirmed}/{event.capacity}]",
               description=lines(counts, common["description"]),
               url=shared(("workshops.manage", event.id), lambda: absolute(
                   "workshops.manage_event", slug=event.organisation.slug, event_id=event.id))),
        sequence=session.sequence + event.sequence + enrolment_changes,
        last_modified=latest(session.updated_at, event.updated_at, enrolments_changed_at),
        status="CANCELLED" if event.status == "cancelled" else
        ("TENTATIVE" if event.status == "draft" else "CONFIRMED"),
    )
