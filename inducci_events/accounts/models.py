"""Users, their memberships of organisations, sign-in sessions and API tokens."""
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, utcnow
from ..extensions import db

ROLES = ("organiser", "adviser")


def hash_secret(plain):
    """What is stored of a session secret or an API token: its SHA-256 (the secret itself never is)."""
    return hashlib.sha256(plain.encode()).hexdigest()


def new_calendar_token():
    """The secret in a user's personal feed URLs (regenerating it retires the old URLs)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # The service lower-cases e-mails, so the plain unique constraint is case-insensitive.
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    calendar_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_calendar_token)
    #: Reminder e-mails 24 hours ahead (confirmations and decisions are always sent).
    mail_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Minutes before each item that the personal calendar feed sets an alarm (none if empty).
    calendar_alarm_minutes: Mapped[int | None] = mapped_column()
    #: Set by a site admin: the account can no longer log in (its data stays).
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the person accepted the privacy notice at sign-up, and its PRIVACY_NOTICE_VERSION.
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str | None] = mapped_column(sa.String(40))
    #: The owner erased the account (``accounts.privacy.delete_account``): the row stays,
    #: anonymised, for the counts of the pilots' statistics; nobody can log in with it.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self):
        """Flask-Login's flag: a deactivated account is not logged in."""
        return self.deactivated_at is None and self.deleted_at is None

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    #: Set for the request by :func:`..services.start_session` and the session loader: the
    #: sign-in session (a :class:`UserSession`) and its plain secret. Not stored on the user.
    current_session = None
    session_secret = None

    def __repr__(self):
        return f"<User {self.id} {self.email}>"

    def get_id(self):
        """Flask-Login's "alternative token": the session cookie and the remember-me cookie
        carry the secret of a sign-in session, never the user id, so deleting that session's
        row ends both, and every log-in gets a cookie of its own."""
        if self.session_secret is None:
            raise RuntimeError("log users in through accounts.services.start_session")
        return self.session_secret

    def __eq__(self, other):
        """The same account (UserMixin would compare ``get_id()``, i.e. sign-in sessions)."""
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = object.__hash__

    def _has_role(self, organisation_id, role):
        return any(m.organisation_id == organisation_id and m.role == role for m in self.memberships)

    def is_organiser_of(self, organisation_id):
        return self.is_admin or self._has_role(organisation_id, "organiser")

    def is_adviser_of(self, organisation_id):
        return self._has_role(organisation_id, "adviser")

    @property
    def organised_organisation_ids(self):
        return sorted({m.organisation_id for m in self.memberships if m.role == "organiser"})

    @property
    def is_organiser(self):
        return self.is_admin or any(m.role == "organiser" for m in self.memberships)

    @property
    def roles(self):
        roles = ["user"]
        if self.is_admin:
            roles.append("admin")
        roles.extend(sorted({m.role for m in self.memberships}))
        return roles


class Membership(db.Model):
    """A user's role at an organisation: ``organiser`` or ``adviser``."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "organisation_id", "role", name="uq_memberships_user_org_role"),
        sa.CheckConstraint("role IN ('organiser', 'adviser')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped["Organisation"] = relationship(lazy="joined")  # noqa: F821


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; it can be revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="API")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_active(self, now):
        return self.revoked_at is None and self.expires_at > now


class UserSession(db.Model):
    """One signed-in browser ("device"). The cookies carry a random secret; only its SHA-256
    is stored. Ending a session deletes its row: its cookies then log nobody in."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Moved on at most every few minutes (``services.SESSION_TOUCH``), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(sa.String(512), default="")
    #: "Remember me": a cookie that outlives the browser, until ``expires_at``.
    remember: Mapped[bool] = mapped_column(default=False)
    #: Remembered: the log-in plus REMEMBER_DAYS. Otherwise the last request plus SESSION_IDLE_HOURS.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()
