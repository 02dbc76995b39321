"""Reach pages: targets against actuals per programme, per organisation, across the partners;
the organisers' target and hand-count forms; the CSV export."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import DomainError, NotFound
from ..core.http import flash_error, show_error_on_form
from ..core.i18n import format_month
from ..core.spreadsheet import csv_download
from ..core.timeutil import parse_month
from ..organisations import queries as org_queries
from . import chart, metrics, queries, services
from .forms import TallyForm, TargetForm

bp = Blueprint("reach", __name__, url_prefix="/reach")


def _months(programme):
    tz = programme.organisation.timezone
    return queries.month_range(tz, parse_month(request.args.get("from"), "from"),
                               parse_month(request.args.get("until"), "until"))


@bp.route("/")
@login_required
def overview():
    """Every partner's programmes: for site admins and the partners' organisers."""
    return render_template("reach/overview.html", partners=queries.overview(current_user))


@bp.route("/organisations/<slug>")
@login_required
def organisation(slug):
    org = org_queries.managed_by(slug, current_user)
    return render_template("reach/organisation.html", org=org, programmes=queries.organisation_reach(org))


def _programme_reach(programme_id):
    """The programme (if the current user may see it), the months asked for and its rows."""
    programme = queries.viewable_programme(programme_id, current_user)
    months = _months(programme)
    return programme, months, queries.programme_reach(programme, months)


@bp.route("/programmes/<int:programme_id>")
@login_required
def programme(programme_id):
    programme, months, rows = _programme_reach(programme_id)
    charts = [(row, chart.bar_chart([(format_month(m, "short"), v) for m, v in row.months])) for row in rows]
    return render_template("reach/programme.html", programme=programme, org=programme.organisation,
                           charts=charts, months=months)


@bp.route("/programmes/<int:programme_id>/reach.csv")
@login_required
def export_csv(programme_id):
    programme, months, rows = _programme_reach(programme_id)
    labels = {"programme": _("Programme"), "target_name": _("Target"), "counts": _("What counts"),
              "target": _("Aim"), "actual": _("Reached")}
    return csv_download(queries.reach_csv(programme, rows, months, labels), f"reach-programme-{programme.id}.csv")


@bp.route("/programmes/<int:programme_id>/targets/new", methods=["GET", "POST"])
@bp.route("/programmes/<int:programme_id>/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def edit_target(programme_id, target_id=None):
    programme = queries.viewable_programme(programme_id, current_user)
    target = queries.target_of(target_id, current_user) if target_id else None
    if target is not None and target.programme_id != programme.id:
        raise NotFound("target_not_found")
    form = TargetForm(obj=target if request.method == "GET" else None)
    if target is not None and target.metric not in dict(form.metric.choices):
        form.metric.choices.append((target.metric, str(metrics.label_of(target.metric))))
    if form.validate_on_submit():
        try:
            services.save_target(current_user, programme.id, label=form.label.data, value=form.value.data,
                                 metric=form.metric.data, target_id=target_id)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The target has been saved."), "success")
            return redirect(url_for("reach.programme", programme_id=programme.id))
    return render_template("reach/target_form.html", programme=programme, org=programme.organisation,
                           form=form, target=target), 422 if form.errors else 200


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@login_required
def delete_target(target_id):
    target = queries.target_of(target_id, current_user)
    programme_id = target.programme_id
    try:
        services.delete_target(current_user, target_id)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("The target has been removed."), "success")
    return redirect(url_for("reach.programme", programme_id=programme_id))


@bp.route("/targets/<int:target_id>/tally", methods=["GET", "POST"])
@login_required
def tally(target_id):
    target = queries.target_of(target_id, current_user)
    form = TallyForm()
    if form.validate_on_submit():
        try:
            services.record_tally(current_user, target.id, day=form.day.data, count=form.count.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The count has been saved."), "success")
            return redirect(url_for("reach.tally", target_id=target.id))
    return render_template("reach/tally.html", target=target, programme=target.programme,
                           org=target.programme.organisation, form=form,
                           tallies=queries.tallies(target)), 422 if form.errors else 200
