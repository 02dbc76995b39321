"""Account pages: sign up, log in and out, profile, signed-in devices.

Log-in and sign-up are limited by the credentials budget inside the services
(``accounts/limits.py``), shared with the API.
"""
import json
from datetime import timedelta

from flask import (Blueprint, Response, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import DomainError
from ..core.http import flash_error, safe_next, show_error_on_form
from . import email_change, passwords, privacy, services
from .devices import describe_device
from .forms import (ConfirmForm, DeleteAccountForm, ForgotPasswordForm, LanguageForm, LoginForm, ProfileForm,
                    RegisterForm, ResetPasswordForm)

bp = Blueprint("accounts", __name__)


def _sign_in(user, remember=False):
    """Open a sign-in session (its secret goes into the cookies) and start a fresh CSRF token."""
    services.start_session(user, remember=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember, duration=timedelta(days=current_app.config["REMEMBER_DAYS"]))
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)  # Flask-WTF makes a new one on the next form
    g.pop(field, None)


def _signed_out(message):
    logout_user()
    flash(message, "success")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = get_locale().language  # the switch's cookie, else the browser's language
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.password.data, form.name.data, form.locale.data,
                                          accepted_privacy_notice=form.accept_privacy_notice.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            _sign_in(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("organisations.index")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.password.errors.append(str(error.message))
        else:
            _sign_in(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(url_for("organisations.index")))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            try:
                services.end_session(current_user, current_user.current_session.id)
            except DomainError:
                pass  # already ended elsewhere
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("organisations.index"))


@bp.route("/language", methods=["POST"])
def set_language():
    """The header's language switch, for everybody: kept in a cookie (visitors, and whoever
    logs out later) and, for a logged-in user, in the profile. Back to the page it came from."""
    form = LanguageForm()
    response = redirect(safe_next(url_for("organisations.index")))
    if not form.validate_on_submit():  # a language we do not offer (the CSRF check came first)
        flash(_("Choose one of these languages: %(languages)s.",
                languages=", ".join(current_app.config["LANGUAGES"])), "error")
        return response
    locale = form.locale.data
    if current_user.is_authenticated:
        services.set_locale(current_user, locale)
    config = current_app.config
    response.set_cookie(config["LANGUAGE_COOKIE"], locale, max_age=config["LANGUAGE_COOKIE_DAYS"] * 86400,
                        secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            if form.new_password.data:
                services.check_password_rules(form.new_password.data)  # before any mail goes out
            new_email = email_change.request_email_change(current_user, form.email.data or None,
                                                           form.current_password.data)
            services.update_profile(current_user, name=form.name.data, locale=form.locale.data,
                                    new_password=form.new_password.data,
                                    current_password=form.current_password.data,
                                    keep_session_id=current_user.current_session.id)
        except DomainError as error:
            if error.fields:
                show_error_on_form(form, error)
            else:
                form.current_password.errors.append(str(error.message))
        else:
            if form.new_password.data:
                flash(_("Your password has been changed. Every other device has been signed out "
                        "and every API token revoked."), "success")
            else:
                flash(_("Your profile has been saved."), "success")
            if new_email:
                hours = email_change.link_hours()
                flash(ngettext("We have sent a link to %(email)s. Your address changes when you open it "
                               "(within %(num)d hour); until then it stays %(current)s.",
                               "We have sent a link to %(email)s. Your address changes when you open it "
                               "(within %(num)d hours); until then it stays %(current)s.", hours,
                               email=new_email, current=current_user.email), "success")
            return redirect(url_for("accounts.profile"))
    devices = [(s, describe_device(s.user_agent)) for s in services.active_sessions(current_user)]
    return render_template(
        "accounts/profile.html", form=form, revoke_form=ConfirmForm(),
        tokens=services.active_tokens(current_user), devices=devices,
        this_session_id=current_user.current_session.id,
    ), 422 if form.errors else 200


@bp.route("/profile/tokens/revoke", methods=["POST"])
@login_required
def revoke_tokens():
    form = ConfirmForm()
    if form.validate_on_submit():
        count = services.revoke_all_tokens(current_user)
        flash(_("%(n)d API token(s) revoked.", n=count), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    form = ConfirmForm()
    if form.validate_on_submit():
        this_device = session_id == current_user.current_session.id
        try:
            services.end_session(current_user, session_id)
        except DomainError as error:
            flash_error(error)
        else:
            if this_device:
                return _signed_out(_("You are logged out."))
            flash(_("That device has been signed out."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/sessions/end-all", methods=["POST"])
@login_required
def sign_out_everywhere():
    form = ConfirmForm()
    if form.validate_on_submit():
        services.sign_out_everywhere(current_user)
        return _signed_out(_("You have been signed out on every device, and every API token has been revoked."))
    return redirect(url_for("accounts.profile"))
@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data)
        minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
        flash(ngettext("If an account uses this address, we have sent it a link to set a new password. "
                       "The link works for %(num)d minute.",
                       "If an account uses this address, we have sent it a link to set a new password. "
                       "The link works for %(num)d minutes.", minutes), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 422 if form.errors else 200


@bp.get("/password/reset/<token>")
def reset_link(token):
    """The e-mailed link: keep the token in the session and continue at a URL without it, so it
    appears in no access log, Referer header or browser history beyond this one request."""
    session["password_reset_token"] = token[:500]
    return redirect(url_for("accounts.reset_password"))


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_password():
    """Set a new password with the token from the e-mailed link; then log in with it."""
    token = session.get("password_reset_token")
    try:
        passwords.user_for_token(token)
    except DomainError as error:
        session.pop("password_reset_token", None)
        flash(str(error.message), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.password.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            session.pop("password_reset_token", None)
            return _signed_out(_("Your new password is set; every device has been signed out. Log in with it."))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200


@bp.get("/profile/email/<token>")
def confirm_email_link(token):
    """The link mailed to the new address: keep the token in the session, continue without it in the URL."""
    session["email_change_token"] = token[:1000]
    return redirect(url_for("accounts.confirm_email"))


@bp.route("/profile/email", methods=["GET", "POST"])
def confirm_email():
    """Confirm the new address with a button (a mail scanner that follows links changes nothing)."""
    token = session.get("email_change_token")
    form = ConfirmForm()
    done = url_for("accounts.profile" if current_user.is_authenticated else "accounts.login")
    try:
        user, new_email = email_change.pending_change(token)
        if form.validate_on_submit():
            email_change.confirm_email_change(token)
            session.pop("email_change_token", None)
            flash(_("Your e-mail address is now %(email)s.", email=new_email), "success")
            return redirect(done)
    except DomainError as error:
        session.pop("email_change_token", None)
        flash(str(error.message), "error")
        return redirect(done)
    return render_template("accounts/confirm_email.html", form=form, name=user.name, email=new_email)


# --- privacy: the notice, the imprint, taking one's data away and erasing the account ----

@bp.get("/privacy")
def privacy_notice():
    return render_template("accounts/privacy.html", notice=privacy.privacy_notice(),
                           version=privacy.notice_version(), retention_days=privacy.retention_days(),
                           contact=current_app.config.get("PRIVACY_CONTACT") or "")


@bp.get("/imprint")
def imprint():
    return render_template("accounts/imprint.html", imprint=privacy.imprint())


@bp.get("/profile/export.json")
@login_required
def export_data():
    """The same document as ``GET /api/v1/me/export``, as a file to keep."""
    body = json.dumps(privacy.export_data(current_user), ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="inducci-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """The confirmation step: what erasing means, the password again and a tick."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy.delete_account(current_user, form.password.data)
        except DomainError as error:
            form.password.errors.append(str(error.message))
        else:
            return _signed_out(_("Your account has been erased and your future bookings cancelled. Goodbye!"))
    return render_template("accounts/delete.html", form=form), 422 if form.errors else 200
