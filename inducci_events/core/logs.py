"""Structured logs: one JSON object per line on stderr, each with the request's id.

Every request gets an id: the proxy's ``X-Request-ID`` when it is a plain token (nginx sets
``$request_id``), else a new one. It is sent back in the response's ``X-Request-ID``, appears
in gunicorn's access log (``deploy/gunicorn.conf.py``) and on every line the app logs while
answering, so one request can be followed from the proxy to the database error.
"""
import json
import logging
import re
import uuid

from flask import g, has_request_context, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: Paths that carry a secret (the password-reset and e-mail-change links): logged without it.
_SECRET_PATH = re.compile(r"(/password/reset/|/profile/email/)[^/?\s]+")


def redact(text):
    """``text`` (a path or request line) with secrets in URLs replaced by ``[secret]``."""
    return _SECRET_PATH.sub(r"\1[secret]", text) if text else text


def request_id():
    """The current request's id, or ``"-"`` outside a request (CLI, workers)."""
    if not has_request_context():
        return "-"
    rid = g.get("request_id")
    if rid is None:
        offered = request.headers.get("X-Request-ID", "")
        rid = g.request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
    return rid


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", "exception"?}`` per line."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id(),
        }
        if has_request_context():
            entry.update(method=request.method, path=redact(request.path))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app):
    """Log ``inducci_events.*`` (the app's logger and every module's) at ``LOG_LEVEL`` as JSON
    lines on stderr. Tests keep the ordinary propagation to the root logger (pytest's caplog);
    other loggers (werkzeug's request lines in development, gunicorn's) are left as they are."""
    level = logging.getLevelName(app.config["LOG_LEVEL"])
    if not isinstance(level, int):
        raise RuntimeError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {app.config['LOG_LEVEL']!r}")
    logger = logging.getLogger("inducci_events")
    logger.setLevel(level)
    if not app.testing and not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False

    @app.after_request
    def _send_request_id(response):
        response.headers.setdefault("X-Request-ID", request_id())
        return response


try:  # gunicorn is there in production; the app itself does not need it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:
    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger with secrets taken out of the access log's path and request line
        (``logger_class`` in deploy/gunicorn.conf.py)."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("U", "r", "f"):
                atoms[key] = redact(atoms.get(key))
            return atoms
