"""The outbox: one row per e-mail, from queued to sent (or given up).

``pending`` (due at ``next_attempt_at``) -> ``sending`` (claimed by one worker, which
stamps ``claimed_at`` and its ``claim_token``) -> ``sent``, or back to ``pending`` with
back-off after a transient failure, or ``failed`` (``failed_at``, the reason in
``last_error``) when it can never be sent or ``MAIL_MAX_ATTEMPTS`` are used up.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import UTCDateTime, utcnow
from ..extensions import db

STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        sa.CheckConstraint("body_text IS NOT NULL OR payload IS NOT NULL", name="composed_or_deferred"),
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    #: Makes re-running a producer (reminders) harmless: the same key is queued once.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: For a deferred message (see ``services.defer_message``): the ids it is about. The
    #: fields below stay empty until the worker composes it, just before sending.
    payload: Mapped[dict | None] = mapped_column(sa.JSON)
    recipient_email: Mapped[str | None] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(120), default="")
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    ics: Mapped[str | None] = mapped_column(sa.Text)
    ics_method: Mapped[str | None] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Which worker's claim this is: a worker records a result only while the message is
    #: still its own (another worker may have taken over a claim it let go stale).
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
