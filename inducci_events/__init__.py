"""inducci-events: the application factory."""
import os
from pathlib import Path

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l

from .extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Main navigation: (endpoint, label). Entries whose feature is not installed are skipped.
NAVIGATION = [
    ("workshops.index", _l("Events")),
    ("spaces.index", _l("Pop-up spaces")),
    ("helpdesk.index", _l("Help desks")),
    ("profiles.index", _l("Directory")),
]

#: Sent with every response. No inline scripts or styles: everything is served by the app.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def create_app(config_name=None, **overrides):
    """Build the app. ``config_name`` picks a class in ``config.py`` (default: ``APP_ENV``);
    ``overrides`` are applied last (tests use them). The database is never touched here."""
    from config import INSTANCE_DIR, load_config

    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(load_config(config_name))
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    _configure_logging(app)
    _trust_proxies(app)

    from .core.http import DatabaseIdConverter

    # Before any blueprint: every ``<int:...>`` id is one the database can hold (else 404).
    app.url_map.converters["int"] = DatabaseIdConverter
    _configure_extensions(app)
    _configure_features(app)
    _configure_blueprints(app)
    _configure_cli(app)
    _configure_templates(app)
    _configure_security_headers(app)

    from .core import http

    http.init_app(app)
    return app


def _configure_logging(app):
    from .core import logs

    logs.init_app(app)


def _select_locale():
    """The request's language: the user's profile, the language cookie (pages only), then
    ``Accept-Language``, then the default (``core/i18n.py`` ``choose_locale``)."""
    from flask import current_app, has_request_context
    from flask_login import current_user

    from .core.auth import api_user
    from .core.http import wants_json
    from .core.i18n import choose_locale

    config = current_app.config
    if not has_request_context():  # CLI commands, workers
        return config["BABEL_DEFAULT_LOCALE"]
    user = api_user() or (current_user if current_user and current_user.is_authenticated else None)
    return choose_locale(
        config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"],
        profile=user.locale if user is not None else None,
        cookie=None if wants_json() else request.cookies.get(config["LANGUAGE_COOKIE"]),
        accept_languages=request.accept_languages,
    )


def _configure_extensions(app):
    # Models must be imported before the metadata is used (migrations, create_all).
    from . import models  # noqa: F401

    db.init_app(app)
    from .core import db as core_db

    core_db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    from .accounts import limits

    limits.init_app(app)  # the credentials budget: its own limiter per app

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    # The cookies carry a sign-in session's secret, not a user id (User.get_id).
    @login_manager.user_loader
    def _load_user(session_secret):
        from .accounts.services import user_for_session

        return user_for_session(session_secret)


def _trust_proxies(app):
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client's address (and scheme) from
    the last that many ``X-Forwarded-For`` (``-Proto``) entries, which those proxies wrote.
    With 0 (the default) the connecting address is the client and forwarded headers, which
    anyone can send, are ignored. Rate limits are keyed on this address."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _configure_features(app):
    """Each booking feature registers, explicitly, what it tells whom (its composers with the
    outbox), what it does when a venue changes, and its reminders."""
    from .feedback import notifications as feedback_notifications
    from .helpdesk import notifications as helpdesk_notifications
    from .profiles import notifications as profiles_notifications
    from .spaces import notifications as spaces_notifications
    from .workshops import notifications as workshops_notifications

    workshops_notifications.init_app(app)
    spaces_notifications.init_app(app)
    helpdesk_notifications.init_app(app)
    profiles_notifications.init_app(app)
    feedback_notifications.init_app(app)  # its texts and ``flask feedback invite``

    from . import reach

    reach.init_app(app)  # above the features: counts what they record

    # ... and their part of personal data: export, erasure of an account, the retention purge.
    from .feedback import privacy as feedback_privacy
    from .helpdesk import privacy as helpdesk_privacy
    from .profiles import privacy as profiles_privacy
    from .spaces import privacy as spaces_privacy
    from .workshops import privacy as workshops_privacy

    workshops_privacy.init_app(app)
    spaces_privacy.init_app(app)
    helpdesk_privacy.init_app(app)
    feedback_privacy.init_app(app)
    profiles_privacy.init_app(app)


def _configure_blueprints(app):
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .calendar.views import bp as calendar_bp
    from . import api
    from .helpdesk.views import bp as helpdesk_bp
    from .mail.views import bp as mail_bp
    from .organisations.views import bp as organisations_bp
    from .profiles.views import bp as profiles_bp
    from .reach.views import bp as reach_bp
    from .spaces.views import bp as spaces_bp
    from .workshops.views import bp as workshops_bp

    app.register_blueprint(organisations_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(spaces_bp)
    app.register_blueprint(helpdesk_bp)
    from .feedback.views import bp as feedback_bp

    app.register_blueprint(feedback_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reach_bp)
    app.register_blueprint(profiles_bp)
    # The API authenticates with bearer tokens only (never the session cookie), so CSRF
    # tokens do not apply to it.
    csrf.exempt(api.bp)
    api.init_app(app)


def _configure_cli(app):
    from .accounts.cli import users_cli
    from .accounts.privacy import privacy_cli
    from .demo import demo_cli
    from .mail.cli import mail_cli
    from .organisations.cli import organisations_cli

    app.cli.add_command(organisations_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(privacy_cli)


def _configure_templates(app):
    from flask_babel import get_locale

    from .core import i18n

    def nav_items():
        from flask import url_for

        return [{"url": url_for(endpoint), "label": label}
                for endpoint, label in NAVIGATION if endpoint in app.view_functions]

    def language_switch():
        """The language switch: (code, native name, whether it is the current one)."""
        current = str(get_locale())
        return [(code, name, code == current) for code, name in app.config["LANGUAGES"].items()]

    app.jinja_env.globals.update(get_locale=get_locale, nav_items=nav_items, language_switch=language_switch)
    i18n.init_app(app)  # |local, |day, |days, |month, |clock, |number
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _configure_security_headers(app):
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if g.get("api_user") is not None:  # personal API answers are not for shared caches
            response.headers.setdefault("Cache-Control", "no-store")
        return response
