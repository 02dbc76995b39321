"""Serving calendars: ``text/calendar; charset=utf-8`` with ETag, Last-Modified and 304.

A feed first computes a cheap *version* from the database (a fixed number of small
aggregate queries, or one organisation row for public feeds); the ETag derives from it
(and from the language of the texts), so a conditional GET is answered 304 without
building anything, by whichever worker answers. Bodies are never kept between requests:
a process-local copy could be served under an ETag that another worker has already
moved on from (the serialised VEVENTs are cached by their full value in
:mod:`inducci_events.core.ical`, which cannot go stale). Single-item downloads take
their ETag from the document itself.
"""
import hashlib
from datetime import datetime, timezone

from flask import current_app, make_response, request
from flask_babel import get_locale

#: Bump when the generated document changes shape, so clients refetch.
FORMAT_VERSION = "2"
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def etag_for(*parts):
    digest = hashlib.sha256(repr((FORMAT_VERSION,) + parts).encode()).hexdigest()[:32]
    return digest


def calendar_response(*, version, last_modified, build, filename=None, private=True):
    """Answer 304 if the client's copy is current, else ``build()`` the calendar.

    ``version`` is a tuple that changes whenever the feed's content does (``None``: the
    ETag is the digest of the built document, for single items that are cheap to build);
    ``last_modified`` the newest item change (aware UTC) or ``None``.
    """
    body = None
    if version is None:
        body = build()
        etag = etag_for(hashlib.sha256(body).hexdigest())
    else:
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
    response.set_data(body if body is not None else build())
    response.mimetype = "text/calendar"
    response.content_type = "text/calendar; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
