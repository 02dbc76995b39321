"""Settings for inducci-events.

Every value can be overridden from the environment. ``APP_ENV`` picks the class:
``development`` (default), ``production`` or ``testing``.
"""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _development_secret_key():
    """Generate a secret key once and keep it in ``instance/`` so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    APP_ENV = "development"
    # Level of the app's log on stderr (gunicorn and systemd pass stderr on to the journal).
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'inducci-events.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")

    # Absolute base for links that leave the request (feeds, mails); no trailing slash.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # Mail: real SMTP when MAIL_SERVER is set, otherwise .eml files in MAIL_FOLDER.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "InduCCI events <noreply@localhost>")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))
    # Demo mode (no SMTP server): deliver right after each commit, so no worker is needed.
    MAIL_DELIVER_AFTER_COMMIT = _env_bool("MAIL_DELIVER_AFTER_COMMIT", not os.environ.get("MAIL_SERVER"))
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 8)
    # A worker's claim on a message older than this (seconds) is taken over by another
    # worker: the first one died. It renews its claim before each message it sends.
    MAIL_CLAIM_TIMEOUT = _env_int("MAIL_CLAIM_TIMEOUT", 600)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)  # seconds for the SMTP connection and each reply
    # Booking notifications (confirmations, decisions, reminders); off only for benchmarks.
    NOTIFICATIONS_ENABLED = _env_bool("NOTIFICATIONS_ENABLED", True)

    # Flask-Limiter: memory:// is per process; use redis://127.0.0.1:6379 with several workers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # The credentials budget (accounts/limits.py): log-in, API token, sign-up and password
    # reset requests share it. Failed log-ins, sign-ups and reset requests count (a correct
    # password does not); a spent budget refuses everything with 429 + Retry-After until
    # its window has passed. Per account (the e-mail tried) and per client address.
    AUTH_ACCOUNT_LIMIT = os.environ.get("AUTH_ACCOUNT_LIMIT", "10 per minute")
    AUTH_ADDRESS_LIMIT = os.environ.get("AUTH_ADDRESS_LIMIT", "30 per minute")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "inducci")
    # Retry-After goes on 429 answers only (core/http.py); no X-RateLimit-* headers, which
    # would tell a guesser how many tries are left (and Retry-After on every 401).
    RATELIMIT_HEADERS_ENABLED = False
    # Storage down: count in each worker's memory (limits still hold per worker) and log a
    # warning; the storage is tried again with back-off. Other limiter errors are logged,
    # never a 500. Redis gets half-second socket timeouts (accounts/limits.py).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (nginx: 1). 0 means
    # the connecting address is the client; a forwarded header is then never believed.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    # Sign-in sessions (accounts/models.py UserSession): "remember me" lasts REMEMBER_DAYS from
    # the log-in; a session without it ends after SESSION_IDLE_HOURS without a request.
    REMEMBER_DAYS = _env_int("REMEMBER_DAYS", 30)
    SESSION_IDLE_HOURS = _env_int("SESSION_IDLE_HOURS", 24)

    # Privacy (accounts/privacy.py): the installation's own privacy notice and imprint, as
    # plain-text files (paragraphs separated by blank lines, shown escaped); without a file
    # /privacy shows the built-in, translated notice and /imprint says that none is configured.
    # Raise PRIVACY_NOTICE_VERSION whenever the notice changes: each account records the version it accepted at sign-up.
    PRIVACY_NOTICE_FILE = os.environ.get("PRIVACY_NOTICE_FILE") or None
    PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "1")
    IMPRINT_FILE = os.environ.get("IMPRINT_FILE") or None
    # Who runs this installation and answers privacy questions (shown in the built-in notice).
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "")
    # Answers, purposes, messages and adviser notes are erased this many days after the item
    # ended (`flask privacy purge`, daily timer deploy/systemd/inducci-purge.timer).
    PRIVACY_RETENTION_DAYS = _env_int("PRIVACY_RETENTION_DAYS", 365)
    # Messages one person may send to profiles in the directory per hour (relayed by e-mail).
    PROFILE_MESSAGES_PER_HOUR = _env_int("PROFILE_MESSAGES_PER_HOUR", 5)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    #: The interface languages, each with its name in that language (for the language switch).
    LANGUAGES = {"en": "English", "de": "Deutsch", "cs": "Čeština", "pl": "Polski", "it": "Italiano",
                 "sl": "Slovenščina", "nl": "Nederlands"}
    #: How long a visitor's language choice is kept in the ``LANGUAGE_COOKIE`` (days).
    LANGUAGE_COOKIE = "lang"
    LANGUAGE_COOKIE_DAYS = _env_int("LANGUAGE_COOKIE_DAYS", 365)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    API_TOKEN_DAYS = _env_int("API_TOKEN_DAYS", 90)
    # How long a password-reset link works.
    PASSWORD_RESET_SECONDS = _env_int("PASSWORD_RESET_SECONDS", 3600)
    # How long the link that confirms a new e-mail address works.
    EMAIL_CHANGE_SECONDS = _env_int("EMAIL_CHANGE_SECONDS", 86400)
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 10)
    # Request bodies: larger ones are refused with 413 before anything reads them. Form
    # fields (not files) are held in memory up to MAX_FORM_MEMORY_SIZE, in MAX_FORM_PARTS parts.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = _env_int("MAX_FORM_MEMORY_SIZE", 512 * 1024)
    MAX_FORM_PARTS = _env_int("MAX_FORM_PARTS", 500)


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or None  # filled in by load_config()


class ProductionConfig(Config):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
    PASSWORD_MIN_LENGTH = 10
    MAIL_SERVER = None
    MAIL_DELIVER_AFTER_COMMIT = False  # tests deliver explicitly (or switch it on)


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def load_config(name=None):
    """Return the settings class for ``name`` (or ``APP_ENV``), with the secret key settled."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
    if cls is ProductionConfig and cls.SECRET_KEY and (
            len(cls.SECRET_KEY) < 32 or cls.SECRET_KEY.lower().startswith("change-me")):
        raise RuntimeError("SECRET_KEY is a placeholder or shorter than 32 characters: set a random one, e.g. "
                           "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if not cls.SECRET_KEY:
        if cls is ProductionConfig:
            raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
        cls.SECRET_KEY = _development_secret_key()
    return cls
