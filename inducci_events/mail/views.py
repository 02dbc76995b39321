"""The reminders switch on the profile page (the opt-out of ``flask mail remind``); the
administrators' outbox pages are in ``admin``."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..accounts.forms import ConfirmForm

bp = Blueprint("mail", __name__)


@bp.route("/profile/reminders/<any(on, off):state>", methods=["POST"])
@login_required
def reminders(state):
    form = ConfirmForm()  # CSRFProtect has already refused a post without a valid token
    if form.validate_on_submit():
        accounts.set_mail_reminders(current_user, state == "on")
        flash(_("Reminders turned on.") if state == "on" else _("Reminders turned off."), "success")
    return redirect(url_for("accounts.profile"))

