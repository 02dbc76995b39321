"""Organisers manage their own organisation's programmes and venues, and nobody else's."""
import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..core.auth import require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work
from ..core.errors import NotFound, ValidationFailed
from ..core.timeutil import is_valid_timezone
from .models import Organisation, Programme, ReachTarget, Venue

_TARGET_LINE = re.compile(r"^\s*(\d+)\s+(.+?)\s*$")


def parse_targets(text):
    """``"100 visitors\\n15 exhibitors"`` -> ``[(100, "visitors"), (15, "exhibitors")]``.

    :raises ValidationFailed: a line that is not "number label".
    """
    targets = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _TARGET_LINE.match(line)
        if not match or int(match.group(1)) <= 0:
            raise ValidationFailed(fields={"targets": [
                _("Write one target per line as a number and what it counts, e.g. “100 visitors”.")]})
        targets.append((int(match.group(1)), match.group(2)[:120]))
    return targets


def format_targets(programme):
    return "\n".join(f"{t.value} {t.label}" for t in programme.targets)


def _slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80] or "programme"


def save_programme(actor, organisation_id, *, title, summary, description, targets, programme_id=None):
    """Create or edit a programme of the actor's own organisation.

    :raises Forbidden: the actor does not organise this organisation.
    :raises NotFound: the programme belongs to another organisation.
    """
    require_organiser(actor, organisation_id)
    parsed = parse_targets(targets)
    with unit_of_work() as session:
        org = lock_parent(Organisation, organisation_id)
        if programme_id is None:
            slug, n = _slugify(title), 2
            taken = set(session.scalars(sa.select(Programme.slug).where(Programme.organisation_id == org.id)))
            base = slug
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            programme = Programme(organisation_id=org.id, slug=slug)
            session.add(programme)
        else:
            programme = session.get(Programme, programme_id)
            if programme is None or programme.organisation_id != org.id:
                raise NotFound("programme_not_found")
        programme.title = title.strip()
        programme.summary = (summary or "").strip()
        programme.description = (description or "").strip()
        programme.targets = [ReachTarget(position=i, value=v, label=label) for i, (v, label) in enumerate(parsed)]
    return programme


def save_venue(actor, organisation_id, *, name, street, postcode, city, country, timezone, description="",
               venue_id=None):
    """Create or edit a venue of the actor's own organisation.

    :raises Forbidden: the actor does not organise this organisation.
    :raises ValidationFailed: an unknown IANA time zone.
    """
    require_organiser(actor, organisation_id)
    if not is_valid_timezone(timezone):
        raise ValidationFailed(fields={"timezone": [_("Not an IANA time zone such as Europe/Berlin.")]})
    with unit_of_work() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("organisation_not_found")
        if venue_id is None:
            venue = Venue(organisation_id=org.id)
            session.add(venue)
        else:
            venue = session.get(Venue, venue_id)
            if venue is None or venue.organisation_id != org.id:
                raise NotFound("venue_not_found")
        before = venue.sequence
        venue.name = name.strip()
        venue.street = (street or "").strip()
        venue.postcode = (postcode or "").strip()
        venue.city = city.strip()
        venue.country = country.strip().upper()
        venue.timezone = timezone
        venue.description = (description or "").strip()
        session.flush()  # the Versioned hook raises the venue's sequence if calendars show the change
        if venue_id is not None and venue.sequence != before:
            for listener in current_app.extensions.get(_VENUE_LISTENERS, ()):
                listener(session, venue)
    return venue


_VENUE_LISTENERS = "venue_listeners"


def on_venue_changed(app, listener):
    """Register ``listener(session, venue)`` in ``app``: called inside the unit of work that
    changed what calendars show of a venue (name, address, zone), after the change is
    flushed. Features raise the SEQUENCE of their items there and tell the people concerned."""
    app.extensions.setdefault(_VENUE_LISTENERS, []).append(listener)

