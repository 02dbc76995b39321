"""Help-desk pages: directory, desk week view, booking, my appointments, the adviser's
agenda and the organiser's overview and set-up pages. Each POST calls one service."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.db import saved_id, utcnow
from ..core.errors import DomainError
from ..core.http import back_or, flash_error, show_error_on_form
from ..core.timeutil import local_to_utc, parse_date, parse_iso_datetime, utc_to_local
from ..organisations import queries as org_queries
from . import queries, services
from .forms import (AbsenceForm, AdviserForm, DeskForm, ExtraHoursForm, HiddenBookingForm, MentoringForm, NotesForm,
                    ProposeForm, RuleForm, choices)

bp = Blueprint("helpdesk", __name__)


def _status(form):
    return 422 if form.errors else 200


# --- public: directory, desk page -------------------------------------------------------

@bp.route("/helpdesks/")
def index():
    region, topic, language = (request.args.get(k, "").strip() for k in ("region", "topic", "language"))
    found = queries.desks(region=region or None, topic=topic or None, language=language or None)
    regions, topics, languages = queries.directory_choices()
    networks = {}
    for desk in found:
        networks.setdefault(desk.network or "", []).append(desk)
    return render_template("helpdesk/index.html", networks=sorted(networks.items()), regions=regions,
                           topics=topics, languages=languages, selected=dict(region=region, topic=topic,
                                                                             language=language))


@bp.route("/helpdesks/<int:desk_id>")
def desk(desk_id):
    desk = queries.desk_or_404(desk_id)
    today = utc_to_local(utcnow(), desk.timezone).date()
    first = max(parse_date(request.args.get("week"), "week", today), today)
    start, end = queries.local_day_bounds(first, desk.timezone, days=7)
    slots = queries.free_slots([desk.id], start, end)
    names = {a.id: a.name for a in desk.advisers}
    return render_template("helpdesk/desk.html", desk=desk, week=queries.week_view(desk, slots, first),
                           adviser_names=names, previous_week=first - timedelta(days=7) if first > today else None,
                           next_week=first + timedelta(days=7))


@bp.route("/helpdesks/<int:desk_id>/book", methods=["GET", "POST"])
@login_required
def book(desk_id):
    desk = queries.desk_or_404(desk_id)
    form = HiddenBookingForm()
    form.topic.choices = choices([(t, t) for t in desk.topics] or [(_("General question"), _("General question"))])
    if request.method == "GET":
        form.adviser_id.data = request.args.get("adviser", "")
        form.starts_at.data = request.args.get("start", "")
    try:
        starts_at, adviser_id = parse_iso_datetime(form.starts_at.data or ""), int(form.adviser_id.data or "")
    except ValueError:
        starts_at = adviser_id = None
    adviser = next((a for a in desk.advisers if a.id == adviser_id), None)
    refusal, status = None, 200
    if adviser is None or starts_at is None:
        refusal, status = _("Pick a slot on the desk's page first."), 404
    elif form.validate_on_submit():
        try:
            services.book(current_user, desk.id, adviser.id, starts_at, topic=form.topic.data,
                          message=form.message.data)
        except DomainError as error:
            # The slot is in hidden fields: the refusal is shown above the form.
            refusal, status = str(error.message), error.status
        else:
            flash(_("Your appointment is booked."), "success")
            return redirect(url_for("helpdesk.mine"))
    elif form.errors:
        status = 422
    return render_template("helpdesk/book.html", desk=desk, form=form, adviser=adviser, starts_at=starts_at,
                           refusal=refusal), status


@bp.route("/helpdesks/<int:desk_id>/mentoring", methods=["GET", "POST"])
@login_required
def request_mentoring(desk_id):
    desk = queries.desk_or_404(desk_id)
    form = MentoringForm()
    if form.validate_on_submit():
        try:
            services.request_mentoring(current_user, desk.id, address=form.address.data, topic=form.topic.data,
                                       preferred_periods=form.preferred_periods.data, message=form.message.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("Your request has been sent. An adviser will propose a time."), "success")
            return redirect(url_for("helpdesk.mine"))
    return render_template("helpdesk/form.html", form=form, title=_("Ask for a mentoring visit"),
                           subtitle=desk.name, back=url_for("helpdesk.desk", desk_id=desk.id),
                           submit=_("Send request")), _status(form)


# --- the person: my appointments -------------------------------------------------------

@bp.route("/helpdesks/mine")
@login_required
def mine():
    now = utcnow()
    appointments = queries.appointments_of_user(current_user)
    rows = [dict(a=a, can_cancel=services.can_cancel(a, current_user, now), upcoming=a.starts_at > now,
                 meeting_link=queries.meeting_link_for(a, current_user, now)) for a in appointments]
    return render_template("helpdesk/mine.html", rows=rows,
                           requests=queries.mentoring_requests_of_user(current_user))


@bp.post("/helpdesks/appointments/<int:appointment_id>/cancel")
@login_required
def cancel(appointment_id):
    try:
        services.cancel(current_user, appointment_id)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("The appointment has been cancelled."), "success")
    return redirect(url_for("helpdesk.agenda") if request.form.get("next") == "agenda" else url_for("helpdesk.mine"))


@bp.post("/helpdesks/mentoring/<int:request_id>/accept")
@login_required
def accept_mentoring(request_id):
    try:
        services.accept_mentoring(current_user, request_id)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("The mentoring visit is booked."), "success")
    return redirect(url_for("helpdesk.mine"))


# --- the adviser: agenda ------------------------------------------------------------------

@bp.route("/helpdesks/agenda")
@login_required
def agenda():
    adviser = queries.adviser_for_user(current_user)
    if adviser is None:
        abort(403)
    tz_name = adviser.desks[0].timezone if adviser.desks else "UTC"
    today = utc_to_local(utcnow(), tz_name).date()
    day = parse_date(request.args.get("day"), "day", today)
    view = "week" if request.args.get("view") == "week" else "day"
    if view == "week":
        day = day - timedelta(days=day.weekday())
    days = 7 if view == "week" else 1
    start, end = queries.local_day_bounds(day, tz_name, days=days)
    now = utcnow()
    rows = [dict(a=a, can_mark=services.can_mark(a, current_user, now),
                 can_cancel=services.can_cancel(a, current_user, now))
            for a in queries.agenda(adviser, start, end)]
    return render_template("helpdesk/agenda.html", adviser=adviser, rows=rows, day=day, view=view, days=days,
                           tz_name=tz_name, step=timedelta(days=days),
                           requests=queries.open_mentoring_requests(adviser))


@bp.post("/helpdesks/appointments/<int:appointment_id>/mark/<outcome>")
@login_required
def mark(appointment_id, outcome):
    try:
        services.mark(current_user, appointment_id, outcome)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("Marked as completed.") if outcome == "completed" else _("Marked as no-show."), "success")
    return redirect(back_or(url_for("helpdesk.agenda")))


@bp.post("/helpdesks/appointments/<int:appointment_id>/notes")
@login_required
def notes(appointment_id):
    form = NotesForm()
    if form.validate_on_submit():
        try:
            services.save_notes(current_user, appointment_id, form.notes.data)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("The notes have been saved."), "success")
    else:
        flash(_("The notes could not be saved."), "error")
    return redirect(back_or(url_for("helpdesk.agenda")))


@bp.route("/helpdesks/mentoring/<int:request_id>/propose", methods=["GET", "POST"])
@login_required
def propose(request_id):
    adviser = queries.adviser_for_user(current_user)
    open_requests = {r.id: r for r in queries.open_mentoring_requests(adviser)} if adviser else {}
    mentoring = open_requests.get(request_id)
    if mentoring is None:
        abort(404)
    form = ProposeForm()
    if form.validate_on_submit():
        try:
            services.propose_mentoring(current_user, mentoring.id,
                                       local_to_utc(form.starts_at.data, mentoring.desk.timezone), form.minutes.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The time has been proposed."), "success")
            return redirect(url_for("helpdesk.agenda"))
    return render_template("helpdesk/form.html", form=form, title=_("Propose a time for a mentoring visit"),
                           subtitle=f"{mentoring.user.name} · {mentoring.topic} · {mentoring.address}",
                           intro=mentoring.preferred_periods, back=url_for("helpdesk.agenda"),
                           submit=_("Propose"), zone=mentoring.desk.timezone), _status(form)


# --- organisers ----------------------------------------------------------------------

def _managed(slug):
    return org_queries.managed_by(slug, current_user)


def _managed_desk(slug, desk_id):
    org = _managed(slug)
    desk = queries.desk_or_404(desk_id)
    if desk.organisation_id != org.id:
        abort(404)
    return org, desk


@bp.route("/manage/<slug>/helpdesks/")
@login_required
def manage(slug):
    org = _managed(slug)
    desks = [(d, queries.desk_use(d)) for d in queries.desks_of_organisation(org)]
    return render_template("helpdesk/manage.html", org=org, desks=desks)


_DESK_FORM_FIELDS = ("name", "online", "meeting_link", "topics", "languages", "network", "description",
                     "lead_time_hours", "horizon_days", "cancel_until_hours", "max_upcoming_per_person")


def _venue_choices(form, org):
    form.venue_id.choices = choices([(0, _("No venue (online only)"))]
                                    + [(v.id, v.name) for v in org_queries.venues_of(org)])


@bp.route("/manage/<slug>/helpdesks/new", methods=["GET", "POST"])
@login_required
def new_desk(slug):
    org = _managed(slug)
    form = DeskForm()
    _venue_choices(form, org)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in _DESK_FORM_FIELDS}
        try:
            desk = services.create_desk(current_user, org.id, venue_id=form.venue_id.data or None, **values)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The help desk has been created."), "success")
            return redirect(url_for("helpdesk.manage_desk", slug=slug, desk_id=saved_id(desk)))
    return render_template("helpdesk/form.html", form=form, title=_("New help desk"), subtitle=org.name,
                           back=url_for("helpdesk.manage", slug=org.slug), submit=_("Create")), _status(form)


@bp.route("/manage/<slug>/helpdesks/<int:desk_id>/")
@login_required
def manage_desk(slug, desk_id):
    org, desk = _managed_desk(slug, desk_id)
    return render_template("helpdesk/manage_desk.html", org=org, desk=desk, use=queries.desk_use(desk),
                           rules=queries.rules_of_desk(desk),
                           absences=queries.absences_of([a.id for a in desk.advisers]))


@bp.route("/manage/<slug>/helpdesks/<int:desk_id>/edit", methods=["GET", "POST"])
@login_required
def edit_desk(slug, desk_id):
    org, desk = _managed_desk(slug, desk_id)
    form = DeskForm(obj=desk) if request.method == "GET" else DeskForm()
    if request.method == "GET":
        form.venue_id.data = desk.venue_id or 0
    _venue_choices(form, org)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in _DESK_FORM_FIELDS}
        try:
            services.update_desk(current_user, desk.id, venue_id=form.venue_id.data or None, **values)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The help desk has been saved."), "success")
            return redirect(url_for("helpdesk.manage_desk", slug=slug, desk_id=desk.id))
    return render_template("helpdesk/form.html", form=form, title=_("Edit the help desk"), subtitle=desk.name,
                           back=url_for("helpdesk.manage_desk", slug=org.slug, desk_id=desk.id),
                           submit=_("Save")), _status(form)


@bp.route("/manage/<slug>/helpdesks/<int:desk_id>/advisers/new", methods=["GET", "POST"])
@login_required
def add_adviser(slug, desk_id):
    org, desk = _managed_desk(slug, desk_id)
    form = AdviserForm()
    if form.validate_on_submit():
        try:
            services.add_adviser(current_user, desk.id, email=form.email.data, bio=form.bio.data,
                                 topics=form.topics.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The adviser has been added."), "success")
            return redirect(url_for("helpdesk.manage_desk", slug=slug, desk_id=desk_id))
    return render_template("helpdesk/form.html", form=form, title=_("Add an adviser"), subtitle=desk.name,
                           back=url_for("helpdesk.manage_desk", slug=org.slug, desk_id=desk.id),
                           submit=_("Add")), _status(form)


def _hours_page(slug, desk_id, form_class, title, call):
    org, desk = _managed_desk(slug, desk_id)
    form = form_class()
    form.adviser_id.choices = choices([(a.id, a.name) for a in desk.advisers])
    if form.validate_on_submit():
        try:
            call(desk, form)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("helpdesk.manage_desk", slug=slug, desk_id=desk_id))
    return render_template("helpdesk/form.html", form=form, title=title, subtitle=desk.name,
                           back=url_for("helpdesk.manage_desk", slug=org.slug, desk_id=desk.id),
                           submit=_("Save"), zone=desk.timezone), _status(form)


def _hours(form):
    return dict(adviser_id=form.adviser_id.data, start_time=form.start_time.data, end_time=form.end_time.data,
                slot_minutes=form.slot_minutes.data, buffer_minutes=form.buffer_minutes.data or 0,
                seats=form.seats.data or 1, mode=form.mode.data)


@bp.route("/manage/<slug>/helpdesks/<int:desk_id>/rules/new", methods=["GET", "POST"])
@login_required
def add_rule(slug, desk_id):
    return _hours_page(slug, desk_id, RuleForm, _("Add weekly office hours"), lambda desk, form: services.add_rule(
        current_user, desk.id, weekdays=form.weekdays.data, valid_from=form.valid_from.data,
        valid_until=form.valid_until.data, **_hours(form)))


@bp.route("/manage/<slug>/helpdesks/<int:desk_id>/extra/new", methods=["GET", "POST"])
@login_required
def add_extra(slug, desk_id):
    return _hours_page(slug, desk_id, ExtraHoursForm, _("Add one-off extra hours"),
                       lambda desk, form: services.add_extra_hours(current_user, desk.id, on_date=form.on_date.data,
                                                                   **_hours(form)))


@bp.route("/manage/<slug>/helpdesks/<int:desk_id>/absences/new", methods=["GET", "POST"])
@login_required
def add_absence(slug, desk_id):
    org, desk = _managed_desk(slug, desk_id)
    form = AbsenceForm()
    form.adviser_id.choices = choices([(a.id, a.name) for a in desk.advisers])
    if form.validate_on_submit():
        try:
            services.add_absence(current_user, form.adviser_id.data, starts_on=form.starts_on.data,
                                 ends_on=form.ends_on.data, reason=form.reason.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The absence has been saved."), "success")
            return redirect(url_for("helpdesk.manage_desk", slug=slug, desk_id=desk_id))
    return render_template("helpdesk/form.html", form=form, title=_("Add an absence"), subtitle=desk.name,
                           back=url_for("helpdesk.manage_desk", slug=org.slug, desk_id=desk.id),
                           submit=_("Save")), _status(form)
