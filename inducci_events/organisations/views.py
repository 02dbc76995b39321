"""Home page, partner pages, and the organiser's pages for programmes and venues."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit import queries as audit_queries
from ..core.errors import DomainError
from ..core.http import show_error_on_form
from . import queries, services
from .forms import ProgrammeForm, VenueForm

bp = Blueprint("organisations", __name__)


@bp.route("/")
def index():
    return render_template("organisations/index.html", organisations=queries.organisations_with_programmes())


@bp.route("/organisations/<slug>")
def detail(slug):
    org = queries.organisation_by_slug(slug)
    can_manage = current_user.is_authenticated and current_user.is_organiser_of(org.id)
    return render_template("organisations/detail.html", org=org, can_manage=can_manage)


def _managed(slug):
    return queries.managed_by(slug, current_user)


@bp.route("/manage/<slug>/")
@login_required
def manage(slug):
    org = _managed(slug)
    return render_template("organisations/manage.html", org=org)


@bp.route("/manage/<slug>/log")
@login_required
def log(slug):
    """The organisation's audit log: who approved, declined, cancelled or changed what."""
    org = _managed(slug)
    before = request.args.get("before", type=int)
    entries = audit_queries.entries(org.id, before_id=before)
    return render_template("audit/log.html", entries=entries, org=org, labels=audit_queries.ACTION_LABELS,
                           field_labels=audit_queries.FIELD_LABELS, personal=audit_queries.PERSONAL_SUBJECTS,
                           more=len(entries) == audit_queries.PAGE_SIZE)


@bp.route("/manage/<slug>/programmes/new", methods=["GET", "POST"])
@bp.route("/manage/<slug>/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_programme(slug, programme_id=None):
    org = _managed(slug)
    programme = queries.programme_of(org, programme_id) if programme_id else None
    form = ProgrammeForm(obj=programme if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_programme(current_user, org.id, title=form.title.data, summary=form.summary.data,
                                    description=form.description.data,
                                    programme_id=programme_id)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The programme has been saved."), "success")
            return redirect(url_for("organisations.manage", slug=slug))
    return render_template("organisations/programme_form.html", org=org, form=form,
                           programme=programme), 422 if form.errors else 200


@bp.route("/manage/<slug>/venues/new", methods=["GET", "POST"])
@bp.route("/manage/<slug>/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@login_required
def edit_venue(slug, venue_id=None):
    org = _managed(slug)
    venue = queries.venue_of(org, venue_id) if venue_id else None
    form = VenueForm(obj=venue if request.method == "GET" else None)
    if request.method == "GET" and venue is None:
        form.timezone.data, form.country.data = org.timezone, org.country
    if form.validate_on_submit():
        try:
            services.save_venue(current_user, org.id, venue_id=venue_id, **{
                name: getattr(form, name).data
                for name in ("name", "street", "postcode", "city", "country", "timezone", "description")
            })
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The venue has been saved."), "success")
            return redirect(url_for("organisations.manage", slug=slug))
    return render_template("organisations/venue_form.html", org=org, form=form,
                           venue=venue), 422 if form.errors else 200

