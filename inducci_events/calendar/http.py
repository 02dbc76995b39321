"""Serving calendars: ``text/calendar; charset=utf-8`` with ETag, Last-Modified and 304.

A feed first computes a cheap *version* (a fixed number of small aggregate queries); the
ETag derives from it (and from the language of the texts), so a conditional GET is
answered 304 without building anything. Many clients (Google Calendar among them) poll
without conditional headers: the last bodies built are kept per ETag, within a memory
budget, so an unchanged feed is not built again. This is only a cache of this process:
another worker builds the same bytes from the database.
"""
import hashlib
import threading
from collections import OrderedDict
from datetime import datetime, timezone

from flask import current_app, make_response, request
from flask_babel import get_locale

#: Bump when the generated document changes shape, so clients refetch.
FORMAT_VERSION = "1"
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def etag_for(*parts):
    digest = hashlib.sha256(repr((FORMAT_VERSION,) + parts).encode()).hexdigest()[:32]
    return digest


class BodyCache:
    """The most recently used calendar bodies, by ETag, up to ``budget`` bytes in all."""

    def __init__(self, budget):
        self.budget = budget
        self.used = 0
        self._bodies = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key, body):
        if len(body) > self.budget // 4:
            return
        with self._lock:
            if key in self._bodies:
                return
            self._bodies[key] = body
            self.used += len(body)
            while self.used > self.budget:
                _old, dropped = self._bodies.popitem(last=False)
                self.used -= len(dropped)


def _body_cache():
    cache = current_app.extensions.get("calendar_bodies")
    if cache is None:
        cache = current_app.extensions["calendar_bodies"] = BodyCache(
            current_app.config.get("CALENDAR_CACHE_BYTES", 64 * 1024 * 1024))
    return cache


def calendar_response(*, version, last_modified, build, filename=None, private=True):
    """Answer 304 if the client's copy is current, else ``build()`` the calendar.

    ``version`` is a tuple that changes whenever the feed's content does;
    ``last_modified`` the newest item change (aware UTC) or ``None``.
    """
    etag = etag_for(str(get_locale()), current_app.config["BASE_URL"], *version)
    last_modified = (last_modified or EPOCH).replace(microsecond=0)
    response = make_response()
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = ("private" if private else "public") + ", max-age=300"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
    response.vary.add("Accept-Language")
    if request.if_none_match:
        not_modified = request.if_none_match.contains(etag)
    else:
        since = request.if_modified_since
        not_modified = since is not None and last_modified <= since
    if not_modified:
        response.status_code = 304
        return response
    cache = _body_cache()
    body = cache.get(etag)
    if body is None:
        body = build()
        cache.put(etag, body)
    response.set_data(body)
    response.mimetype = "text/calendar"
    response.content_type = "text/calendar; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
