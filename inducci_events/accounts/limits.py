"""The credentials budget: how many password guesses, sign-ups and reset requests an
account and a client address get, shared by the pages and the API.

Two Flask-Limiter shared limits, checked together by :func:`check_credentials_budget`:

- per account (``AUTH_ACCOUNT_LIMIT``, default 10 per minute), keyed on the e-mail tried
  (normalised, stored hashed): stops guessing one person's password from many addresses;
- per client address (``AUTH_ADDRESS_LIMIT``, default 30 per minute), keyed on the address
  Werkzeug's ProxyFix found behind ``TRUSTED_PROXIES`` proxies: stops one machine from
  trying many accounts. It is never keyed on an ``X-Forwarded-For`` that no trusted proxy
  wrote, and behind a trusted proxy every client has a budget of its own.

What counts (:func:`count_credentials_attempt`, deducted when the response goes out):
a wrong password or unknown e-mail, every sign-up, every password-reset request. A correct
password counts nothing, so people who type theirs right never use up the budget of an
office behind one address; 30 failures a minute from one address is far above what
typing errors produce. Once a budget is spent, *every* attempt it covers is refused with
429 and ``Retry-After`` (a correct password too: otherwise a refused guesser would still
learn which guess was right). Refused attempts are not counted, so a lock-out ends at the
latest one window after the last counted failure: an attacker cannot lock a person out for
longer than they keep failing, and cannot lock out everyone behind a (trusted) proxy.
Concurrent attempts all pass the check before any is counted, so a burst may exceed a
budget by the number of requests in flight.

Where it is enforced: inside ``services.authenticate`` and ``services.register_user``
(so ``/login``, ``/register``, ``POST /api/v1/auth/token`` and ``POST /api/v1/users`` need
nothing); a password-reset service calls :func:`spend_credentials_budget` first. Outside a
request (CLI, tests' factories) nothing is limited.

Storage: ``RATELIMIT_STORAGE_URI``; with Redis every worker and host shares the counts.
When Redis is unreachable the limiter counts in each worker's memory (the budgets still
hold per worker), logs a warning once and tries Redis again with back-off; bookings never
touch the limiter. Each app gets its own limiter object (Flask-Limiter keeps its storage
on the extension object), so two apps in one process count like two servers.
"""
import hashlib
import os
import re
import shlex
import sys

from flask import current_app, g, has_request_context, request
from flask_limiter import Limiter

#: Names of the two shared limits (Flask-Limiter scopes), also part of the storage keys.
ACCOUNT_SCOPE = "credentials-account"
ADDRESS_SCOPE = "credentials-address"

_EXTENSION = "inducci_credentials_budget"
_EMAIL = "_credentials_budget_email"
_COUNTS = "_credentials_budget_counts"


def _account_key():
    email = (g.get(_EMAIL) or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _address_key():
    return "address:" + (request.remote_addr or "unknown")


def _counts(response):
    return bool(g.get(_COUNTS))


def init_app(app):
    """Give ``app`` its own limiter with the two budgets (see the module docstring)."""
    options = {}
    if app.config.get("RATELIMIT_STORAGE_URI", "").startswith(("redis://", "rediss://")):
        # A Redis that does not answer must not hold log-ins up for long.
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    limiter = Limiter(key_func=_address_key, storage_options=options)
    limiter.init_app(app)

    @limiter.shared_limit(lambda: current_app.config["AUTH_ACCOUNT_LIMIT"], ACCOUNT_SCOPE,
                          key_func=_account_key, deduct_when=_counts)
    @limiter.shared_limit(lambda: current_app.config["AUTH_ADDRESS_LIMIT"], ADDRESS_SCOPE,
                          key_func=_address_key, deduct_when=_counts)
    def check():
        """Flask-Limiter checks both budgets when this is called inside a request."""

    app.extensions[_EXTENSION] = (limiter, check)
    warn_if_counting_per_process(app)


def check_credentials_budget(email):
    """Refuse when the budget of ``email``'s account or of the client address is spent.

    :raises flask_limiter.RateLimitExceeded: 429; the app's handler adds ``Retry-After``.
    """
    if not has_request_context() or _EXTENSION not in current_app.extensions:
        return
    g.setdefault(_EMAIL, email or "")
    current_app.extensions[_EXTENSION][1]()


def count_credentials_attempt():
    """Count this request against both budgets (a failed log-in). Only after
    :func:`check_credentials_budget` in the same request; deducted as the response leaves."""
    if has_request_context():
        g.setdefault(_COUNTS, True)


def spend_credentials_budget(email):
    """Check and count in one: every sign-up and password-reset request uses the budget."""
    check_credentials_budget(email)
    count_credentials_attempt()


# --- start-up check ----------------------------------------------------------------

_WORKERS_ARG = re.compile(r"^(?:-w|--workers)(?:=?(\d+))?$")


def worker_count(environ=None, argv=None):
    """How many gunicorn workers this process is one of, as far as it can tell: gunicorn's
    ``WEB_CONCURRENCY``, then ``-w``/``--workers`` in ``GUNICORN_CMD_ARGS``, then in the
    command line of gunicorn itself (workers are forks of it). A ``workers`` in a gunicorn
    config file is not seen; 1 when nothing says otherwise."""
    environ = os.environ if environ is None else environ
    argv = sys.argv if argv is None else argv
    candidates = [shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))]
    if argv and "gunicorn" in os.path.basename(argv[0]):
        candidates.append(list(argv[1:]))
    count = _int(environ.get("WEB_CONCURRENCY"))
    for args in candidates:
        for i, arg in enumerate(args):
            match = _WORKERS_ARG.match(arg)
            if match:
                count = _int(match.group(1) or (args[i + 1] if i + 1 < len(args) else None)) or count
    return count or 1


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def warn_if_counting_per_process(app, environ=None, argv=None):
    """Warn loudly when several workers would each count in their own memory."""
    workers = worker_count(environ, argv)
    if app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://") and workers > 1:
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory:// with %d workers: every worker counts log-in "
            "attempts on its own, so the credentials budget allows %d times as many guesses. "
            "Set RATELIMIT_STORAGE_URI=redis://... (shared by all workers and hosts).", workers, workers)
        return True
    return False
