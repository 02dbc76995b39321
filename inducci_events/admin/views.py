"""``/admin/``: site administrators create and edit organisations, manage who organises or
advises them, find users, and look after the outbox (retry or discard undelivered e-mail). Every route checks ``core.auth.require_admin``."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import queries as account_queries
from ..accounts import services as account_services
from ..accounts.models import User
from ..audit import queries as audit_queries
from ..audit import services as audit_services
from ..core.auth import require_admin
from ..core.db import unit_of_work
from ..core.errors import DomainError
from ..core.http import show_error_on_form
from ..extensions import db
from ..mail import queries as mail_queries
from ..mail import services as mail_services
from ..organisations import queries as org_queries
from ..organisations import services as org_services
from ..accounts.forms import ConfirmForm
from .forms import ROLE_LABELS, MemberForm, OrganisationForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Users shown for one search; the search narrows further.
USER_SEARCH_LIMIT = 100


@bp.before_request
@login_required
def _admins_only():
    require_admin(current_user)


@bp.route("/")
def index():
    q = (request.args.get("q") or "").strip()[:200]
    users = account_queries.find_users(q=q, limit=USER_SEARCH_LIMIT) if q else []
    return render_template("admin/index.html", organisations=org_queries.all_organisations(), q=q, users=users,
                           user_limit=USER_SEARCH_LIMIT)


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
def edit_organisation(slug=None):
    org = org_queries.organisation_by_slug(slug) if slug else None
    form = OrganisationForm(obj=org if request.method == "GET" else None)
    if org is not None:
        del form.slug  # the slug is in every URL and feed: it does not change
    elif request.method == "GET":
        form.default_locale.data = "en"
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in org_services.ORGANISATION_FIELDS}
        languages = set(current_app.config["LANGUAGES"])
        try:
            if org is None:
                org = org_services.create_organisation(current_user, form.slug.data, languages=languages, **values)
            else:
                org_services.update_organisation(current_user, org.slug, languages=languages, **values)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(_("The organisation has been saved."), "success")
            return redirect(url_for("admin.members", slug=org.slug))
    return render_template("admin/organisation_form.html", form=form, org=org), 422 if form.errors else 200


@bp.route("/organisations/<slug>/members", methods=["GET", "POST"])
def members(slug):
    org = org_queries.organisation_by_slug(slug)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            created = account_services.grant_role(form.email.data.strip(), org.slug, form.role.data,
                                                 actor=current_user)
        except DomainError as error:
            form.email.errors = list(form.email.errors) + [str(error.message)]
        else:
            flash(_("%(email)s now has the role “%(role)s”.", email=form.email.data.strip(),
                    role=ROLE_LABELS[form.role.data]) if created else _("That person already has this role."),
                  "success")
            return redirect(url_for("admin.members", slug=org.slug))
    people = account_queries.find_users(organisation_slug=org.slug)
    rows = [(person, m) for person in people for m in person.memberships if m.organisation_id == org.id]
    return render_template("admin/members.html", org=org, form=form, rows=rows,
                           role_labels=ROLE_LABELS), 422 if form.errors else 200


@bp.post("/organisations/<slug>/members/<int:user_id>/<role>/remove")
def remove_member(slug, user_id, role):
    org = org_queries.organisation_by_slug(slug)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    try:
        removed = account_services.revoke_role(user.email, org.slug, role, actor=current_user)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        if removed:
            flash(_("%(name)s no longer has this role.", name=user.name), "success")
    return redirect(url_for("admin.members", slug=org.slug))


@bp.route("/log")
def log():
    """Every organisation's audit log, newest first."""
    before = request.args.get("before", type=int)
    entries = audit_queries.entries(before_id=before)
    return render_template("audit/log.html", entries=entries, org=None, labels=audit_queries.ACTION_LABELS,
                           field_labels=audit_queries.FIELD_LABELS, personal=audit_queries.PERSONAL_SUBJECTS,
                           more=len(entries) == audit_queries.PAGE_SIZE)


@bp.post("/users/<int:user_id>/<any(deactivate, reactivate):action>")
def set_user_active(user_id, action):
    """Deactivate an account (signed out everywhere, log-in refused) or reactivate it."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        account_services.set_active(user.email, action == "reactivate", actor=current_user)
        flash(_("%(name)s can log in again.", name=user.name) if action == "reactivate"
              else _("%(name)s is deactivated and signed out everywhere.", name=user.name), "success")
    return redirect(url_for("admin.index", q=request.args.get("q", "")[:200]) + "#users")


@bp.route("/mail")
def outbox_start():
    return redirect(url_for("admin.outbox", which="failed"))


@bp.route("/mail/<any(failed, pending):which>")
def outbox(which):
    """Messages the outbox gave up on (with the reason) or is still trying, newest first."""
    messages, total = mail_queries.outbox_messages(which)
    counts = {name: mail_queries.outbox_count(name) for name in mail_queries.LISTS}
    return render_template("admin/outbox.html", which=which, messages=messages, total=total, counts=counts)


@bp.post("/mail/<int:message_id>/<any(retry, discard):action>")
def outbox_action(message_id, action):
    """Send a message again from scratch, or drop it for good; both are in the log."""
    which = request.args.get("which") if request.args.get("which") in mail_queries.LISTS else "failed"
    if ConfirmForm().validate_on_submit():
        change = mail_services.retry_message if action == "retry" else mail_services.discard_message
        try:
            with unit_of_work() as session:
                kind = change(message_id)
                audit_services.record(session, actor=current_user, action=f"mail.{action}",
                                      subject_type="outbox", subject_id=message_id, summary=kind)
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The message will be sent again shortly.") if action == "retry"
                  else _("The message has been discarded."), "success")
    return redirect(url_for("admin.outbox", which=which))
