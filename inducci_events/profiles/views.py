"""Profile pages: the public directory and profile page, one's own profile, writing to a
profile and replying to a message. Each POST calls one service."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.db import saved_id
from ..core.errors import DomainError, NotFound, RateLimited
from ..core.http import show_error_on_form
from . import queries, services
from .forms import KIND_NAMES, MessageForm, ProfileForm
from .models import KINDS

bp = Blueprint("profiles", __name__)

#: Longest search text and filter value the directory reads (longer ones are cut).
MAX_QUERY = 200


def _arg(name):
    return request.args.get(name, "").strip()[:MAX_QUERY]


def _page():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 7 else 1


@bp.route("/profiles/")
def index():
    selected = {name: _arg(name) for name in ("q", "skill", "sector", "region", "kind")}
    if selected["kind"] not in KINDS:
        selected["kind"] = ""
    profiles, total, page, pages = queries.page_of(_page(), **{k: v or None for k, v in selected.items()})
    skills, sectors, regions = queries.filter_choices()
    return render_template("profiles/index.html", profiles=profiles, total=total, page=page, pages=pages,
                           selected=selected, skills=skills, sectors=sectors, regions=regions, kinds=KIND_NAMES,
                           own=queries.profile_of(current_user) if current_user.is_authenticated else None)


def _viewable(profile_id):
    """A visible profile, or the viewer's own (hidden or not)."""
    own = queries.profile_of(current_user) if current_user.is_authenticated else None
    if own is not None and own.id == profile_id:
        return own
    return queries.public_profile_or_404(profile_id)


@bp.route("/profiles/<int:profile_id>")
def show(profile_id):
    profile = _viewable(profile_id)
    is_own = current_user.is_authenticated and profile.user_id == current_user.id
    return render_template("profiles/show.html", profile=profile, is_own=is_own, kinds=dict(KIND_NAMES))


@bp.route("/profiles/mine", methods=["GET", "POST"])
@login_required
def edit():
    profile = queries.profile_of(current_user)
    form = ProfileForm()
    if request.method == "GET" and profile is not None:
        form.fill_from(profile)
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_profile(current_user, **form.values())
        except DomainError as error:
            show_error_on_form(form, error)
            status = error.status
        else:
            flash(_("Your profile is saved.") if form.visible.data
                  else _("Your profile is saved. It is hidden: nobody else sees it."), "success")
            return redirect(url_for("profiles.show", profile_id=saved_id(saved)))
    elif form.errors:
        status = 422
    return render_template("profiles/edit.html", form=form, profile=profile), status


def _write(form, send, template, **context):
    status = 200
    if form.validate_on_submit():
        try:
            send()
        except RateLimited as error:
            flash(str(error.message), "error")
            status = 429
        except NotFound:
            raise
        except DomainError as error:
            show_error_on_form(form, error)
            status = error.status
        else:
            flash(_("Your message is on its way. Your e-mail address was not shared."), "success")
            return None
    elif form.errors:
        status = 422
    return render_template(template, form=form, **context), status


@bp.route("/profiles/<int:profile_id>/contact", methods=["GET", "POST"])
@login_required
def contact(profile_id):
    profile = queries.public_profile_or_404(profile_id)
    if profile.user_id == current_user.id:
        abort(404)
    form = MessageForm()
    answer = _write(form, lambda: services.write_to_profile(current_user, profile.id, subject=form.subject.data,
                                                            body=form.body.data),
                    "profiles/contact.html", profile=profile, original=None)
    return answer or redirect(url_for("profiles.show", profile_id=profile_id))


@bp.route("/profiles/messages/<int:message_id>/reply", methods=["GET", "POST"])
@login_required
def reply(message_id):
    original = queries.received_message_or_404(current_user, message_id)
    form = MessageForm()
    if request.method == "GET":
        subject = original.subject if original.subject.lower().startswith("re:") else f"Re: {original.subject}"
        form.subject.data = subject[:160]
    answer = _write(form, lambda: services.reply(current_user, original.id, subject=form.subject.data,
                                                 body=form.body.data),
                    "profiles/contact.html", profile=None, original=original)
    return answer or redirect(url_for("profiles.index"))
