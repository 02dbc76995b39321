"""Feedback pages: answering a questionnaire, and the organiser's questionnaire, summary and CSV."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import DomainError
from ..core.http import flash_error, show_error_on_form
from ..core.spreadsheet import csv_download
from ..organisations import queries as org_queries
from ..workshops import queries as event_queries
from . import queries, services
from .charts import bar_chart
from .forms import QuestionnaireForm, answer_form_class, as_lines, parse_lines

bp = Blueprint("feedback", __name__)


# --- attendees ----------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/feedback", methods=["GET", "POST"])
@login_required
def answer(event_id):
    view = queries.answer_state(event_id, current_user)
    form = answer_form_class(view.form.questions)()
    status = 200
    if view.can_answer and form.validate_on_submit():
        answers = {str(q.id): getattr(form, q.field_name).data for q in view.form.questions}
        try:
            services.submit(current_user, event_id, answers)
        except DomainError as error:
            if error.status == 404:
                raise
            show_error_on_form(form, error)
            status = error.status if error.status in (403, 409) else 422
            view = queries.answer_state(event_id, current_user)
        else:
            flash(_("Thank you! Your answers have been saved."), "success")
            return redirect(url_for("workshops.detail", event_id=event_id))
    elif form.is_submitted():
        if not view.can_answer:
            flash_error({"answered": services.AlreadyAnswered(), "not_over": services.NotOverYet(),
                         "not_attendee": services.NotAttendee()}[view.state])
            status = 409 if view.state != "not_attendee" else 403
        else:
            status = 422
    return render_template("feedback/answer.html", view=view, event=view.event, form=form), status


# --- organisers ---------------------------------------------------------------------------


def _event(slug, event_id):
    org = org_queries.managed_by(slug, current_user)
    return org, event_queries.event_of_org(org, event_id)


@bp.route("/manage/<slug>/events/<int:event_id>/feedback", methods=["GET", "POST"])
@login_required
def edit(slug, event_id):
    org, event = _event(slug, event_id)
    existing = queries.form_of(event.id)
    locked = queries.is_locked(existing)
    form = QuestionnaireForm()
    if not form.is_submitted() and existing is not None:
        form.questions.data, form.anonymous.data = as_lines(existing), existing.anonymous
    status = 200
    if locked and form.is_submitted():
        flash_error(services.FormLocked())
        status = 409
    elif form.validate_on_submit():
        try:
            services.save_form(current_user, event.id, questions=parse_lines(form.questions.data),
                               anonymous=form.anonymous.data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            show_error_on_form(form, error)
            status = 409 if error.status == 409 else 422
        else:
            flash(_("The questionnaire has been saved."), "success")
            return redirect(url_for("feedback.edit", slug=slug, event_id=event_id))
    elif form.is_submitted():
        status = 422
    return render_template("feedback/edit.html", org=org, event=event, form=form, existing=existing,
                           locked=locked), status


@bp.route("/manage/<slug>/events/<int:event_id>/feedback/summary")
@login_required
def summary(slug, event_id):
    org, event = _event(slug, event_id)
    result = queries.summary(event)
    charts = {item.question.id: bar_chart(item.distribution, title=item.question.text)
              for item in result.questions if item.distribution}
    return render_template("feedback/summary.html", org=org, event=event, summary=result, charts=charts,
                           format_decimal=format_decimal)


@bp.route("/manage/<slug>/events/<int:event_id>/feedback.csv")
@login_required
def export_csv(slug, event_id):
    _org, event = _event(slug, event_id)
    body = queries.responses_csv(event, {"name": _("Name"), "submitted_at": _("Answered at")})
    return csv_download(body, f"feedback-event-{event.id}.csv")
