"""Read-only look-ups of partners, programmes and venues (pages, API, feeds)."""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..core.auth import require_organiser
from ..core.errors import NotFound
from ..extensions import db
from .models import Organisation, Programme, Venue


def all_organisations():
    return db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()


def organisations_with_programmes():
    """The InduCCI partners with their pilot actions (the home page)."""
    return db.session.scalars(
        sa.select(Organisation).where(Organisation.is_partner).options(selectinload(Organisation.programmes))
        .order_by(Organisation.name)
    ).all()


def organisation_by_slug(slug):
    """The organisation ``slug``; text no slug can be (NUL, lone surrogates, too long) is simply not found."""
    if not isinstance(slug, str) or len(slug) > 60 or not slug.isprintable():
        raise NotFound("organisation_not_found")
    org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound("organisation_not_found")
    return org


def managed_by(slug, user):
    """The organisation ``slug``, for one of its organisers (the helper every organiser page uses).

    :raises NotFound: no such organisation.
    :raises Forbidden: ``user`` does not organise it.
    """
    org = organisation_by_slug(slug)
    require_organiser(user, org.id)
    return org


def programme_of(org, programme_id):
    programme = db.session.get(Programme, programme_id)
    if programme is None or programme.organisation_id != org.id:
        raise NotFound("programme_not_found")
    return programme


def venue_of(org, venue_id):
    venue = db.session.get(Venue, venue_id)
    if venue is None or venue.organisation_id != org.id:
        raise NotFound("venue_not_found")
    return venue


def venues_of(org):
    return db.session.scalars(sa.select(Venue).where(Venue.organisation_id == org.id).order_by(Venue.name)).all()
