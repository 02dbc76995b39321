"""Account pages: sign up, log in and out, profile."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import DomainError
from ..core.http import safe_next, show_error_on_form
from ..extensions import limiter
from . import passwords, services
from .forms import ConfirmForm, ForgotPasswordForm, LoginForm, ProfileForm, RegisterForm, ResetPasswordForm

bp = Blueprint("accounts", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.password.data, form.name.data, form.locale.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
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
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(url_for("organisations.index")))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("organisations.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, locale=form.locale.data,
                                    new_password=form.new_password.data,
                                    current_password=form.current_password.data, email=form.email.data or None)
        except DomainError as error:
            if error.fields:
                show_error_on_form(form, error)
            else:
                form.current_password.errors.append(str(error.message))
        else:
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, revoke_form=ConfirmForm(),
        tokens=services.active_tokens(current_user),
    ), 422 if form.errors else 200


@bp.route("/profile/tokens/revoke", methods=["POST"])
@login_required
def revoke_tokens():
    form = ConfirmForm()
    if form.validate_on_submit():
        count = services.revoke_all_tokens(current_user)
        flash(_("%(n)d API token(s) revoked.", n=count), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
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
            logout_user()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200
