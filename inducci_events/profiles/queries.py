"""Profile reads: the public directory, one public profile, one's own profile.

Everything public goes through :func:`public_profiles`: visible profiles of active accounts
only, so a hidden profile cannot leak through a page, a filter or the API.
"""
import sqlalchemy as sa

from ..accounts.models import User
from ..core.errors import NotFound
from ..extensions import db
from . import rules
from .models import KINDS, Profile, ProfileMessage, ProfileTag

PER_PAGE = 20


def public_profiles():
    """The statement every public listing starts from."""
    return (sa.select(Profile).join(User, User.id == Profile.user_id)
            .where(Profile.visible.is_(True), User.deactivated_at.is_(None)))


def _has_tag(kind, value):
    return sa.exists().where(ProfileTag.profile_id == Profile.id, ProfileTag.kind == kind,
                             ProfileTag.tag == rules.normalise_tag(value))


def directory(*, q=None, skill=None, sector=None, region=None, kind=None, language=None):
    """The statement of visible profiles matching every filter given, newest changes first.

    ``q``: every word must occur in the headline, about, offers, needs, region, skills or
    sectors (case-insensitive on both databases: the text is case-folded when saved).
    """
    stmt = public_profiles()
    for word in rules.search_key(q).split()[:10]:
        stmt = stmt.where(Profile.search_text.like(rules.like_pattern(word), escape="\\"))
    if skill:
        stmt = stmt.where(_has_tag("skill", skill))
    if sector:
        stmt = stmt.where(_has_tag("sector", sector))
    if language:
        stmt = stmt.where(_has_tag("language", language))
    if region:
        stmt = stmt.where(Profile.region_key == rules.search_key(region))
    if kind:
        stmt = stmt.where(Profile.kind == (kind if kind in KINDS else ""))
    return stmt.order_by(Profile.updated_at.desc(), Profile.id.desc())


def search(**filters):
    """Every matching visible profile (the API paginates the list)."""
    return db.session.scalars(directory(**filters)).unique().all()


def page_of(page, per_page=PER_PAGE, **filters):
    """``(profiles, total, pages)`` for the directory page ``page`` (from 1)."""
    stmt = directory(**filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return rows, total, page, pages


def filter_choices():
    """Skills, sectors and regions that occur in visible profiles, for the filters."""
    visible = public_profiles().with_only_columns(Profile.id).scalar_subquery()
    tags = db.session.execute(sa.select(ProfileTag.kind, ProfileTag.tag).distinct()
                              .where(ProfileTag.profile_id.in_(visible), ProfileTag.kind.in_(("skill", "sector")))
                              .order_by(ProfileTag.tag)).all()
    regions = db.session.scalars(public_profiles().with_only_columns(Profile.region).distinct()
                                 .where(Profile.region != "").order_by(Profile.region)).all()
    return ([t.tag for t in tags if t.kind == "skill"], [t.tag for t in tags if t.kind == "sector"],
            sorted(set(regions), key=str.casefold))


def public_profile_or_404(profile_id):
    """A visible profile of an active account.

    :raises NotFound: none, or hidden (a hidden profile is indistinguishable from none).
    """
    profile = db.session.scalar(public_profiles().where(Profile.id == profile_id))
    if profile is None:
        raise NotFound("profile_not_found", rules.not_found_message())
    return profile


def profile_of(user):
    """``user``'s own profile or ``None``."""
    if user is None or getattr(user, "id", None) is None:
        return None
    return db.session.scalar(sa.select(Profile).where(Profile.user_id == user.id))


def received_message_or_404(user, message_id):
    """A message ``user`` received (for the reply page)."""
    message = db.session.get(ProfileMessage, message_id)
    if message is None or message.recipient_id != user.id:
        raise NotFound("message_not_found", rules.no_message_message())
    return message
