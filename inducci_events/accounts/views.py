"""Account pages: sign up, log in and out, profile."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import DomainError
from ..core.http import safe_next, show_error_on_form
from ..extensions import limiter
from . import services
from .forms import ConfirmForm, LoginForm, ProfileForm, RegisterForm

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
