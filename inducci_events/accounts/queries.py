"""Read-only look-ups of users (site administration, the command line)."""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..organisations.models import Organisation
from .models import Membership, User


def find_users(q=None, organisation_slug=None, limit=None):
    """Users whose name or e-mail contains ``q`` (any case), optionally only the members of
    one organisation, ordered by e-mail, with their memberships loaded."""
    query = sa.select(User).options(selectinload(User.memberships)).order_by(User.email)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.email).like(pattern), sa.func.lower(User.name).like(pattern)))
    if organisation_slug:
        query = query.where(User.id.in_(
            sa.select(Membership.user_id).join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Organisation.slug == organisation_slug)))
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()
