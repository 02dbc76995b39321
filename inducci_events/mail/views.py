"""The reminders switch on the profile page (the opt-out of ``flask mail remind``) and the
administrators' list of messages that could not be delivered."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..accounts.forms import ConfirmForm
from ..core.auth import require_admin
from . import queries

bp = Blueprint("mail", __name__)


@bp.route("/profile/reminders/<any(on, off):state>", methods=["POST"])
@login_required
def reminders(state):
    form = ConfirmForm()  # CSRFProtect has already refused a post without a valid token
    if form.validate_on_submit():
        accounts.set_mail_reminders(current_user, state == "on")
        flash(_("Reminders turned on.") if state == "on" else _("Reminders turned off."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/admin/mail/failed")
@login_required
def failed():
    """Messages the outbox gave up on, with the reason (administrators only)."""
    require_admin(current_user)
    messages, total = queries.failed_messages()
    return render_template("mail/failed.html", messages=messages, total=total)
