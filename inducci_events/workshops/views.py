"""Event pages: the upcoming list, an event's page, enrol/cancel, "my enrolments", and the
organiser's pages (events, sessions, questions, participants, check-in, CSV export)."""
from datetime import datetime, time, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.db import saved_id
from ..core.errors import DomainError
from ..core.http import back_or, flash_error, show_error_on_form
from ..core.spreadsheet import csv_download
from ..core.timeutil import local_to_utc, utc_to_local
from ..organisations import queries as org_queries
from . import queries, services
from .forms import EventForm, FilterForm, QuestionForm, SessionForm, choices, enrol_form_class

bp = Blueprint("workshops", __name__)

def status_label(status):
    return {
        "pending": _("awaiting approval"), "confirmed": _("confirmed"), "waitlisted": _("waitlisted"),
        "cancelled": _("cancelled"), "declined": _("declined"), "draft": _("draft"),
        "published": _("published"),
    }.get(status, status)


@bp.app_context_processor
def _helpers():
    return {"status_label": status_label}


# --- participants ------------------------------------------------------------------------


@bp.route("/events")
def index():
    form = FilterForm(request.args)
    orgs = org_queries.organisations_with_programmes()
    form.region.choices = choices(("", _("All regions")), *((o.slug, f"{o.region} ({o.short_name})") for o in orgs))
    form.programme.choices = choices(("", _("All programmes")), *(
        (p.id, f"{p.title} – {o.short_name}") for o in orgs for p in o.programmes))
    form.validate()
    date_from = _day_start(form.date_from.data) if form.date_from.data and not form.date_from.errors else None
    date_to = _day_start(form.date_to.data, plus_one=True) if form.date_to.data and not form.date_to.errors else None
    programme_id = form.programme.data if not form.programme.errors else None  # not one of the choices
    events = queries.upcoming_events(region=form.region.data or None, programme_id=programme_id or None,
                                     date_from=date_from, date_to=date_to)
    return render_template("workshops/index.html", events=events, form=form)


def _day_start(day, plus_one=False):
    from datetime import timedelta

    start = datetime.combine(day, time(0), tzinfo=timezone.utc)
    return start + timedelta(days=1) if plus_one else start


@bp.route("/events/<int:event_id>")
def detail(event_id):
    view = queries.event_view(event_id, current_user)
    return _render_detail(view)


def _render_detail(view, form=None, status=200, form_session_id=None):
    event = view.event
    mine = queries.viewer_enrolments(event, current_user)
    if form is None:
        form = enrol_form_class(event.questions)()
    sessions = []
    for sv in view.sessions:
        state = queries.registration_state(event, None if event.is_series else sv.session)
        sessions.append({"view": sv, "state": state, "mine": mine.get(sv.session.id),
                         "can_enrol": state == "open" and not event.is_series and sv.session.id not in mine})
    series_state = queries.registration_state(event)
    can_manage = current_user.is_authenticated and current_user.is_organiser_of(event.organisation_id)
    return render_template(
        "workshops/detail.html", view=view, event=event, sessions=sessions, form=form, mine=mine.get(None),
        state=series_state, can_enrol=event.is_series and series_state == "open" and None not in mine,
        can_manage=can_manage, form_session_id=form_session_id,
    ), status


@bp.route("/events/<int:event_id>/enrol", methods=["POST"])
@login_required
def enrol(event_id):
    view = queries.event_view(event_id, current_user)
    form = enrol_form_class(view.event.questions)()
    if not form.validate_on_submit():
        return _render_detail(view, form, 422)
    answers = {q.field_name: getattr(form, q.field_name).data for q in view.event.questions}
    session_id = int(form.session_id.data) if (form.session_id.data or "").isdigit() else None
    try:
        enrolment = services.enrol(current_user, event_id, session_id=session_id, answers=answers)
    except DomainError as error:
        show_error_on_form(form, error)
        if error.fields and not set(error.fields) - {q.field_name for q in view.event.questions}:
            flash(str(error.message), "error")
        return _render_detail(queries.event_view(event_id, current_user), form, error.status
                              if error.status in (404, 409) else 422, form_session_id=session_id)
    flash({
        "confirmed": _("You are enrolled. See you there!"),
        "waitlisted": _("The event is full: you are on the waitlist and will move up automatically."),
        "pending": _("Thank you! The organiser will review your enrolment."),
    }[enrolment.status], "success")
    return redirect(url_for("workshops.detail", event_id=event_id))


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=["POST"])
@login_required
def cancel(enrolment_id):
    try:
        enrolment = services.cancel_enrolment(current_user, enrolment_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash_error(error)
        return redirect(back_or(url_for("workshops.mine")))
    flash(_("Your enrolment has been cancelled."), "success")
    return redirect(url_for("workshops.detail", event_id=enrolment.event_id))


@bp.route("/my/enrolments")
@login_required
def mine():
    return render_template("workshops/mine.html", rows=queries.my_enrolments(current_user))


# --- organisers ---------------------------------------------------------------------------


def _managed(slug):
    return org_queries.managed_by(slug, current_user)


def _to_utc(value, tz):
    return local_to_utc(value, tz) if value is not None else None


def _to_local(value, tz):
    return utc_to_local(value, tz).replace(tzinfo=None) if value is not None else None


@bp.route("/manage/<slug>/events")
@login_required
def manage_list(slug):
    org = _managed(slug)
    return render_template("workshops/manage_list.html", org=org, events=queries.organiser_events(org))


@bp.route("/manage/<slug>/events/new", methods=["GET", "POST"])
@bp.route("/manage/<slug>/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(slug, event_id=None):
    org = _managed(slug)
    event = queries.event_of_org(org, event_id) if event_id else None
    tz = event.timezone if event is not None else org.timezone
    form = EventForm(obj=event if request.method == "GET" else None)
    form.programme_id.choices = choices(("", _("None")), *((p.id, p.title) for p in org.programmes))
    if request.method == "GET" and event is not None:
        for name in ("registration_opens_at", "registration_closes_at", "cancel_until"):
            getattr(form, name).data = _to_local(getattr(event, name), tz)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in (
            "title", "description", "programme_id", "status", "enrolment_mode", "capacity", "waitlist",
            "requires_approval", "facilitators", "notify_organisers_of_cancellations")}
        values["min_participants"] = form.min_participants.data or 0
        for name in ("registration_opens_at", "registration_closes_at", "cancel_until"):
            values[name] = _to_utc(getattr(form, name).data, tz)
        try:
            if event is None:
                event = services.create_event(current_user, org.id, **values)
                flash(_("The event has been created. Now add its sessions."), "success")
            else:
                services.update_event(current_user, event.id, **values)
                flash(_("The event has been saved."), "success")
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            return redirect(url_for("workshops.manage_event", slug=slug, event_id=saved_id(event)))
    return render_template("workshops/event_form.html", org=org, form=form, event=event,
                           tz=tz), 422 if form.errors else 200


@bp.route("/manage/<slug>/events/<int:event_id>")
@login_required
def manage_event(slug, event_id):
    org = _managed(slug)
    event = queries.event_of_org(org, event_id)
    view = queries.views_of([event])[0]
    return render_template("workshops/manage_event.html", org=org, event=event, view=view,
                           rows=queries.participants(event))


@bp.route("/manage/<slug>/events/<int:event_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/manage/<slug>/events/<int:event_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(slug, event_id, session_id=None):
    org = _managed(slug)
    event = queries.event_of_org(org, event_id)
    item = next((s for s in event.sessions if s.id == session_id), None)
    if session_id is not None and item is None:
        raise services.SessionNotFound()
    form = SessionForm(obj=item if request.method == "GET" else None)
    venues = org_queries.venues_of(org)
    form.venue_id.choices = choices(*((v.id, f"{v.name} ({v.city}, {v.timezone})") for v in venues))
    if request.method == "GET" and item is not None:
        form.starts_at.data = _to_local(item.starts_at, item.venue.timezone)
        form.ends_at.data = _to_local(item.ends_at, item.venue.timezone)
    if form.validate_on_submit():
        venue = next(v for v in venues if v.id == form.venue_id.data)
        try:
            services.save_session(
                current_user, event.id, session_id=session_id, title=form.title.data, venue_id=venue.id,
                starts_at=local_to_utc(form.starts_at.data, venue.timezone),
                ends_at=local_to_utc(form.ends_at.data, venue.timezone),
                module_label=form.module_label.data, notes=form.notes.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The session has been saved."), "success")
            return redirect(url_for("workshops.manage_event", slug=slug, event_id=event_id))
    return render_template("workshops/session_form.html", org=org, event=event, form=form,
                           item=item), 422 if form.errors else 200


@bp.route("/manage/<slug>/events/<int:event_id>/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def delete_session(slug, event_id, session_id):
    org = _managed(slug)
    return _act(org, event_id, lambda: services.delete_session(current_user, event_id, session_id),
                _("The session has been removed."))


@bp.route("/manage/<slug>/events/<int:event_id>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(slug, event_id):
    org = _managed(slug)
    event = queries.event_of_org(org, event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(current_user, event.id, kind=form.kind.data, label=form.label.data,
                                  required=form.required.data, choices=form.choices.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The question has been added."), "success")
            return redirect(url_for("workshops.manage_event", slug=slug, event_id=event_id))
    return render_template("workshops/question_form.html", org=org, event=event,
                           form=form), 422 if form.errors else 200


@bp.route("/manage/<slug>/events/<int:event_id>/questions/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(slug, event_id, question_id):
    org = _managed(slug)
    return _act(org, event_id, lambda: services.delete_question(current_user, event_id, question_id),
                _("The question has been removed."))


def _act(org, event_id, action, success):
    """Run one service for a button on the organiser's event page; flash the outcome."""
    queries.event_of_org(org, event_id)
    slug = org.slug  # read now: after the commit nothing is read again
    try:
        action()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash_error(error)
    else:
        flash(success, "success")
    return redirect(url_for("workshops.manage_event", slug=slug, event_id=event_id))


@bp.route("/manage/<slug>/events/<int:event_id>/enrolments/<int:enrolment_id>/<action>", methods=["POST"])
@login_required
def decide(slug, event_id, enrolment_id, action):
    org = _managed(slug)
    actions = {
        "approve": (services.approve_enrolment, _("The enrolment has been approved.")),
        "decline": (services.decline_enrolment, _("The enrolment has been declined.")),
        "cancel": (services.cancel_enrolment, _("The enrolment has been cancelled.")),
    }
    if action not in actions:
        raise services.EnrolmentNotFound()
    service, message = actions[action]
    return _act(org, event_id, lambda: service(current_user, enrolment_id), message)


@bp.route("/manage/<slug>/events/<int:event_id>/sessions/<int:session_id>/attendance/<int:enrolment_id>",
          methods=["POST"])
@login_required
def attendance(slug, event_id, session_id, enrolment_id):
    org = _managed(slug)
    present = request.form.get("present") != "0"
    event = queries.event_of_org(org, event_id)
    if not any(s.id == session_id for s in event.sessions):
        raise services.SessionNotFound()
    return _act(org, event_id, lambda: services.set_attendance(current_user, session_id, enrolment_id, present),
                _("Checked in.") if present else _("Check-in removed."))


@bp.route("/manage/<slug>/events/<int:event_id>/participants.csv")
@login_required
def export_csv(slug, event_id):
    org = _managed(slug)
    event = queries.event_of_org(org, event_id)
    labels = {"name": _("Name"), "status": _("Status"), "session": _("Session"),
              "waitlist_position": _("Waitlist position"), "enrolled_at": _("Enrolled at"),
              "attendance": _("Sessions attended")}
    labels.update({s: status_label(s) for s in ("pending", "confirmed", "waitlisted", "cancelled", "declined")})
    return csv_download(queries.participants_csv(event, labels), f"participants-event-{event.id}.csv")
