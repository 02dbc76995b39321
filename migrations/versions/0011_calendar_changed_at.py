"""calendar_changed_at: when anything in an organisation's public feeds last changed

Revision ID: 0011_calendar_changed_at
Revises: 0010_partner_flag
Create Date: 2026-11-21

Public feeds (organisation, programme, event) make their ETag from this one column
instead of aggregating over every session. Existing organisations start at the time of
the upgrade (their feeds' ETags change once, so clients fetch them once more).
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0011_calendar_changed_at'
down_revision = '0010_partner_flag'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_changed_at', sa.DateTime(timezone=True), nullable=True))
    now = datetime.now(timezone.utc)
    if op.get_bind().dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)  # stored as naive UTC there, as UTCDateTime does
    organisations = sa.table('organisations', sa.column('calendar_changed_at', sa.DateTime(timezone=True)))
    op.execute(organisations.update().values(calendar_changed_at=now))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('calendar_changed_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('calendar_changed_at')
