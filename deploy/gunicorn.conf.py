"""gunicorn settings for inducci-events: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every value can be overridden from the environment (the systemd unit reads
``/etc/inducci-events/env``). Workers keep nothing in memory between requests, so any number
of hosts and workers can share one PostgreSQL database (and one Redis for rate limits).
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two per core plus one is gunicorn's rule of thumb; each sync worker holds one database
# connection at a time (the pool keeps up to 5 + 10 per worker: size PostgreSQL's
# max_connections, or put PgBouncer in front, for workers x hosts).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Connections waiting for a worker: a registration rush queues here instead of being refused.
backlog = int(os.environ.get("GUNICORN_BACKLOG", 2048))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Logs go to stderr (journald under systemd).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# key=value pairs with the app's request id (the app logs the same id as JSON).
access_log_format = ('time=%(t)s remote=%(h)s method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s '
                     'duration_ms=%(M)s request_id=%({x-request-id}o)s agent="%(a)s"')
errorlog = "-"
# Takes the password-reset token out of logged paths.
logger_class = "inducci_events.core.logs.GunicornLogger"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The reverse proxy on the same host: gunicorn takes the scheme (https) from it; the client
# address is taken by the app from TRUSTED_PROXIES, never from any X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "inducci-events"
