"""A user's public profile, its tags, and the messages relayed between users.

Skills, sectors and languages live in a tag table (``profile_tags``: one row per profile,
kind and normalised tag) rather than in JSON lists: a filter is then a plain indexed
``EXISTS (... WHERE kind = 'skill' AND tag = :tag)`` that reads and performs the same on
SQLite and PostgreSQL, where JSON containment would need ``jsonb @>`` on one database and
``json_each`` on the other (and no index on SQLite). Matching (issue #17) joins the same
rows. The list order the person chose is kept in ``position``.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, sql_in, utcnow
from ..extensions import db

KINDS = ("creative", "company", "other")
TAG_KINDS = ("skill", "sector", "language")


class Profile(db.Model):
    """One per user. ``visible`` decides whether anyone else sees it (directory, page, API)."""

    __tablename__ = "profiles"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="creative")
    headline: Mapped[str] = mapped_column(sa.String(160))
    about: Mapped[str] = mapped_column(sa.Text, default="")
    region: Mapped[str] = mapped_column(sa.String(80), default="")
    #: ``region`` case-folded, for the directory's region filter (the same on both databases).
    region_key: Mapped[str] = mapped_column(sa.String(80), default="", index=True)
    offers: Mapped[str] = mapped_column(sa.Text, default="")
    needs: Mapped[str] = mapped_column(sa.Text, default="")
    visible: Mapped[bool] = mapped_column(default=False)
    #: Headline, about, offers, needs, skills and sectors case-folded in Python: the search
    #: is a LIKE on this column, so "Ł" finds "ł" on SQLite too (its lower() is ASCII-only).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")
    tags: Mapped[list["ProfileTag"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileTag.position",
        lazy="selectin")

    def _tags(self, kind):
        return [t.tag for t in self.tags if t.kind == kind]

    @property
    def skills(self):
        return self._tags("skill")

    @property
    def sectors(self):
        return self._tags("sector")

    @property
    def languages(self):
        return self._tags("language")

    @property
    def name(self):
        """The name shown with the profile (never the e-mail address)."""
        return self.user.name

    def __repr__(self):
        return f"<Profile {self.id} user={self.user_id} {self.kind}>"


class ProfileTag(db.Model):
    __tablename__ = "profile_tags"
    __table_args__ = (
        sa.UniqueConstraint("profile_id", "kind", "tag", name="uq_profile_tags_profile_kind_tag"),
        sa.CheckConstraint(sql_in("kind", TAG_KINDS), name="kind_known"),
        sa.Index("ix_profile_tags_kind_tag", "kind", "tag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    tag: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)

    profile: Mapped[Profile] = relationship(back_populates="tags")


class ProfileMessage(db.Model):
    """A message one user wrote to another through the app; relayed by e-mail. Kept so the
    recipient can reply through the app and so the per-sender rate limit is a count."""

    __tablename__ = "profile_messages"
    __table_args__ = (
        sa.Index("ix_profile_messages_sender_created", "sender_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The message this one answers (the reply link in the relayed e-mail).
    reply_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("profile_messages.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(sa.String(160))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sender = relationship("User", foreign_keys=[sender_id])
    recipient = relationship("User", foreign_keys=[recipient_id])
