"""Serving calendars: ``text/calendar; charset=utf-8`` with ETag, Last-Modified and 304.

A feed first computes a cheap *version* (a fixed number of small aggregate queries); the
ETag derives from it, so a conditional GET is answered 304 without building anything.
"""
import hashlib
from datetime import datetime, timezone

from flask import make_response, request

#: Bump when the generated document changes shape, so clients refetch.
FORMAT_VERSION = "1"
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def etag_for(*parts):
    digest = hashlib.sha256(repr((FORMAT_VERSION,) + parts).encode()).hexdigest()[:32]
    return digest


def calendar_response(*, version, last_modified, build, filename=None, private=True):
    """Answer 304 if the client's copy is current, else ``build()`` the calendar.

    ``version`` is a tuple that changes whenever the feed's content does;
    ``last_modified`` the newest item change (aware UTC) or ``None``.
    """
    etag = etag_for(*version)
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
    response.set_data(build())
    response.mimetype = "text/calendar"
    response.content_type = "text/calendar; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
