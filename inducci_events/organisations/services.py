"""Organisers manage their own organisation's programmes and venues, and nobody else's."""
import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core.auth import require_admin, require_organiser
from ..core.capacity import lock_parent
from ..core.db import unit_of_work
from ..core.errors import Conflict, NotFound, ValidationFailed
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


def _programme_logged(programme):
    return dict(title=programme.title, summary=programme.summary, description=programme.description,
                targets=format_targets(programme))


def save_programme(actor, organisation_id, *, title, summary, description, targets=None, programme_id=None):
    """Create or edit a programme of the actor's own organisation. ``targets`` (text, one
    "number label" per line) sets a new programme's first targets, counted by hand; an
    existing programme's targets are left alone (they are edited one by one on the reach
    pages, where each says what counts towards it).

    :raises Forbidden: the actor does not organise this organisation.
    :raises NotFound: the programme belongs to another organisation.
    """
    require_organiser(actor, organisation_id)
    parsed = parse_targets(targets) if targets is not None else []
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
        before = _programme_logged(programme) if programme_id is not None else {}
        programme.title = title.strip()
        programme.summary = (summary or "").strip()
        programme.description = (description or "").strip()
        if programme_id is None:
            programme.targets = [ReachTarget(position=i, value=v, label=label, metric="manual")
                                 for i, (v, label) in enumerate(parsed)]
        session.flush()
        changes = audit.changes_of(before, _programme_logged(programme))
        if changes:
            if "description" in changes:
                changes["description"] = ["…", "…"]  # long text: logged as changed, not copied
            action = "programme.create" if programme_id is None else "programme.update"
            audit.record(session, actor=actor, action=action, subject_type="programme", subject_id=programme.id,
                         organisation_id=org.id, summary=programme.title, changes=changes)
    return programme


_VENUE_LOGGED = ("name", "street", "postcode", "city", "country", "timezone")


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
        logged = {name: getattr(venue, name) for name in _VENUE_LOGGED} if venue_id is not None else {}
        venue.name = name.strip()
        venue.street = (street or "").strip()
        venue.postcode = (postcode or "").strip()
        venue.city = city.strip()
        venue.country = country.strip().upper()
        venue.timezone = timezone
        venue.description = (description or "").strip()
        session.flush()  # the Versioned hook raises the venue's sequence if calendars show the change
        changes = audit.changes_of(logged, {name: getattr(venue, name) for name in _VENUE_LOGGED})
        if changes:
            audit.record(session, actor=actor, action="venue.create" if venue_id is None else "venue.update",
                         subject_type="venue", subject_id=venue.id, organisation_id=org.id, summary=venue.name,
                         changes=changes)
        if venue_id is not None and venue.sequence != before:
            for listener in current_app.extensions.get(_VENUE_LISTENERS, ()):
                listener(session, venue)
    return venue



_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")

#: What a site admin may set on an organisation (``flask organisations`` and the admin API).
ORGANISATION_FIELDS = ("name", "short_name", "region", "country", "timezone", "default_locale",
                       "is_partner", "website", "description")


def _check_organisation_values(values, languages):
    """Shape rules for an organisation's fields; :class:`ValidationFailed` names every bad one."""
    wrong = {}
    if "slug" in values and not _SLUG.match(values["slug"] or ""):
        wrong["slug"] = [_("Use 1–60 lower-case letters, digits and hyphens, e.g. “linz”.")]
    if "name" in values and not (values["name"] or "").strip():
        wrong["name"] = [_("Required.")]
    if "country" in values and not re.fullmatch(r"[A-Za-z]{2}", values["country"] or ""):
        wrong["country"] = [_("A two-letter country code such as AT or DE.")]
    if "timezone" in values and not is_valid_timezone(values["timezone"] or ""):
        wrong["timezone"] = [_("Not an IANA time zone such as Europe/Berlin.")]
    if "default_locale" in values and values["default_locale"] not in languages:
        wrong["default_locale"] = [_("One of: %(codes)s.", codes=", ".join(sorted(languages)))]
    for name, limit in (("name", 200), ("short_name", 80), ("region", 120), ("website", 300)):
        if len(values.get(name) or "") > limit:
            wrong[name] = [_("At most %(n)d characters.", n=limit)]
    if wrong:
        raise ValidationFailed(fields=wrong)


def _apply_organisation_values(org, values):
    for name, value in values.items():
        if value is None:  # an empty optional field
            value = False if name == "is_partner" else ""
        if isinstance(value, str):
            value = value.strip()
        if name == "country":
            value = value.upper()
        setattr(org, name, value)
    if not org.short_name:
        org.short_name = org.name[:80]


def create_organisation(actor, slug, *, name, country, timezone, languages, region="", default_locale="en",
                        is_partner=False, short_name="", website="", description=""):
    """Create an organisation (site administration: an admin, or ``core.auth.COMMAND_LINE``).

    :raises Forbidden: the actor is not a site admin.
    :raises ValidationFailed: a malformed slug, country, time zone or language.
    :raises Conflict: the slug is taken.
    """
    require_admin(actor)
    slug = (slug or "").strip().lower()
    values = dict(name=name, short_name=short_name, region=region, country=country, timezone=timezone,
                  default_locale=default_locale, is_partner=bool(is_partner), website=website,
                  description=description)
    _check_organisation_values({"slug": slug, **values}, languages)
    taken = Conflict("slug_taken", _("There is already an organisation “%(slug)s”.", slug=slug))
    try:
        with unit_of_work() as session:
            if session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug)) is not None:
                raise taken
            org = Organisation(slug=slug)
            _apply_organisation_values(org, values)
            session.add(org)
            session.flush()
            audit.record(session, actor=actor, action="organisation.create", subject_type="organisation",
                         subject_id=org.id, organisation_id=org.id, summary=org.name)
    except IntegrityError:  # the same slug created at the same moment
        raise taken from None
    return org


def update_organisation(actor, slug, *, languages, **values):
    """Change an organisation's fields (only those given; see :data:`ORGANISATION_FIELDS`).

    :raises Forbidden: the actor is not a site admin.
    :raises NotFound: no organisation has this slug.
    :raises ValidationFailed: a malformed value.
    """
    require_admin(actor)
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"not an organisation field: {sorted(unknown)}")
    _check_organisation_values(values, languages)
    with unit_of_work() as session:
        org_id = session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug))
        if org_id is None:
            raise NotFound("organisation_not_found", _("There is no organisation “%(slug)s”.", slug=slug))
        org = lock_parent(Organisation, org_id)
        before = {name: getattr(org, name) for name in values}
        _apply_organisation_values(org, values)
        changes = audit.changes_of(before, {name: getattr(org, name) for name in values})
        if changes:
            audit.record(session, actor=actor, action="organisation.update", subject_type="organisation",
                         subject_id=org.id, organisation_id=org.id, summary=org.name, changes=changes)
        if "name" in values and org.name != before["name"]:
            session.flush()
            for listener in current_app.extensions.get(_RENAME_LISTENERS, ()):
                listener(session, org)
    return org


_RENAME_LISTENERS = "organisation_rename_listeners"


def on_organisation_renamed(app, listener):
    """Register ``listener(session, organisation)`` in ``app``: called inside the unit of work
    that renamed an organisation, after the change is flushed. Its name is the ORGANIZER and
    in the DESCRIPTION of every calendar item of its events, bookings and appointments: the
    features raise those items' SEQUENCE there."""
    app.extensions.setdefault(_RENAME_LISTENERS, []).append(listener)


_VENUE_LISTENERS = "venue_listeners"


def on_venue_changed(app, listener):
    """Register ``listener(session, venue)`` in ``app``: called inside the unit of work that
    changed what calendars show of a venue (name, address, zone), after the change is
    flushed. Features raise the SEQUENCE of their items there and tell the people concerned."""
    app.extensions.setdefault(_VENUE_LISTENERS, []).append(listener)

