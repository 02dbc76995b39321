"""Feed routes (public and secret), single-item downloads, and the subscriptions page."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..accounts.forms import ConfirmForm
from ..extensions import db
from ..helpdesk.models import Appointment
from ..helpdesk.queries import desk_or_404
from ..helpdesk.services import can_manage_appointment
from ..organisations.models import Programme
from ..organisations.queries import organisation_by_slug
from ..spaces.models import SpaceBooking
from ..spaces.queries import visible_listing
from ..workshops.models import Event, Session
from ..workshops.queries import check_visible
from ..core.ical import absolute, build_calendar
from ..helpdesk.ical import appointment_item, staff_appointment_item
from ..spaces.ical import booking_item
from ..workshops.ical import session_item
from . import sources
from .forms import AlarmForm
from .http import calendar_response

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def _serve(feed, *, private):
    return calendar_response(
        version=feed.version, last_modified=feed.last_modified, private=private,
        build=lambda: build_calendar(feed.name, feed.items(), alarm=feed.alarm),
    )


def _download(item, name, filename):
    # One item is cheap to build: the ETag is the document's own digest, so it changes with
    # every byte (a renamed venue, a new title) whichever worker answers.
    return calendar_response(
        version=None, last_modified=item.last_modified,
        build=lambda: build_calendar(name, [item]), filename=filename,
    )


# --- public feeds (no personal data) ------------------------------------------------

@bp.get("/organisations/<slug>.ics")
def organisation_feed(slug):
    return _serve(sources.organisation_feed(organisation_by_slug(slug)), private=False)


@bp.get("/programmes/<int:programme_id>.ics")
def programme_feed(programme_id):
    return _serve(sources.programme_feed(db.get_or_404(Programme, programme_id)), private=False)


@bp.get("/events/<int:event_id>.ics")
def event_feed(event_id):
    # Public: a draft is not found, even for its organisers.
    return _serve(sources.event_feed(check_visible(db.get_or_404(Event, event_id))), private=False)


@bp.get("/spaces/<int:listing_id>.ics")
def listing_feed(listing_id):
    return _serve(sources.listing_feed(visible_listing(listing_id)), private=False)


@bp.get("/helpdesks/<int:desk_id>.ics")
def desk_feed(desk_id):
    return _serve(sources.desk_feed(desk_or_404(desk_id)), private=False)


# --- secret feeds ------------------------------------------------------------------------

def _feed_owner(token):
    user = accounts.user_for_calendar_token(token)
    if user is None:
        abort(404)  # unknown or regenerated secret: nothing to see, not even that it existed
    return user


@bp.get("/feed/<token>.ics")
def personal_feed(token):
    return _serve(sources.personal_feed(_feed_owner(token)), private=True)


@bp.get("/mine.ics")
@login_required
def my_calendar_download():
    """The personal feed as a file to keep (the profile's "download my data"), for the
    signed-in person: no secret URL needed."""
    feed = sources.personal_feed(current_user)
    return calendar_response(version=None, last_modified=feed.last_modified, filename="inducci-my-calendar.ics",
                             build=lambda: build_calendar(feed.name, feed.items(), alarm=feed.alarm))


@bp.get("/feed/<token>/<slug>.ics")
def organiser_feed(token, slug):
    user = _feed_owner(token)
    org = organisation_by_slug(slug)
    if not (user.is_organiser_of(org.id) or user.is_adviser_of(org.id)):
        abort(404)
    return _serve(sources.organiser_feed(user, org), private=True)


# --- single items ("add to calendar") ----------------------------------------------------

@bp.get("/sessions/<int:session_id>.ics")
def session_download(session_id):
    session = db.get_or_404(Session, session_id)
    check_visible(session.event, current_user)
    return _download(session_item(session), session.event.title, f"session-{session.id}.ics")


@bp.get("/space-bookings/<int:booking_id>.ics")
@login_required
def booking_download(booking_id):
    booking = db.get_or_404(SpaceBooking, booking_id)
    if booking.user_id != current_user.id and not current_user.is_organiser_of(booking.listing.organisation_id):
        abort(404)
    return _download(booking_item(booking), booking.listing.title, f"space-booking-{booking.id}.ics")


@bp.get("/appointments/<int:appointment_id>.ics")
@login_required
def appointment_download(appointment_id):
    appointment = db.get_or_404(Appointment, appointment_id)
    staff = can_manage_appointment(current_user, appointment)
    if appointment.user_id != current_user.id and not staff:
        abort(404)
    item = staff_appointment_item(appointment) if staff and appointment.user_id != current_user.id \
        else appointment_item(appointment)
    return _download(item, appointment.desk.name, f"appointment-{appointment.id}.ics")


# --- subscriptions -----------------------------------------------------------------------

def feed_urls(user):
    """The user's secret feed URLs: ``{"feed_url", "webcal_url", "organiser_feeds": [...]}``."""
    def pair(endpoint, **values):
        https = absolute(endpoint, **values)
        return https, "webcal://" + https.split("://", 1)[1]

    personal, personal_webcal = pair("calendar.personal_feed", token=user.calendar_token)
    organisations = {m.organisation.id: m.organisation for m in user.memberships}
    organiser_feeds = []
    for org in sorted(organisations.values(), key=lambda o: o.name):
        https, webcal = pair("calendar.organiser_feed", token=user.calendar_token, slug=org.slug)
        organiser_feeds.append({"organisation": org.slug, "name": org.name, "feed_url": https,
                                "webcal_url": webcal})
    return {"feed_url": personal, "webcal_url": personal_webcal, "organiser_feeds": organiser_feeds}


@bp.get("/")
@login_required
def subscriptions():
    alarm = AlarmForm(minutes=str(current_user.calendar_alarm_minutes or ""))
    return render_template("calendar/subscriptions.html", urls=feed_urls(current_user), form=ConfirmForm(),
                           alarm_form=alarm)


@bp.post("/alarm")
@login_required
def alarm():
    form = AlarmForm()
    if form.validate_on_submit():
        accounts.set_calendar_alarm(current_user, form.minutes_value())
        flash(_("Saved. Calendars that subscribe to your feed show the new alarm at their next refresh."),
              "success")
    return redirect(url_for("calendar.subscriptions"))


@bp.post("/regenerate")
@login_required
def regenerate():
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.regenerate_calendar_token(current_user)
        flash(_("New calendar addresses are ready. The old ones no longer work: subscribe again with the "
                "new ones."), "success")
    return redirect(url_for("calendar.subscriptions"))
