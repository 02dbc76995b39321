"""Audit entries. Actor and subject are user ids (``SET NULL`` when the account is deleted):
names are read when the log is shown, so erasing a person erases them from the log too,
while the entry itself survives with an anonymous actor."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import UTCDateTime, utcnow
from ..extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_org_id_desc", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The organisation whose log shows it (kept, unlinked, if the organisation is deleted).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    #: ``feature.verb``, e.g. ``enrolment.approve``; labels in :data:`..queries.ACTION_LABELS`.
    action: Mapped[str] = mapped_column(sa.String(60))
    #: What was acted on: ``enrolment`` 17, ``space_booking`` 4, ``membership`` 2 ...
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    #: The person whose data changed (a participant, a creative), if any.
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: A short description without personal data, e.g. the event's title.
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    #: ``{"field": [before, after]}`` (JSON-compatible values).
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    subject_user = relationship("User", foreign_keys=[subject_user_id], lazy="joined")
