"""calendar changes: venues are versioned; cancellations told to organisers; alarm setting

Revision ID: 0015_calendar_changes
Revises: 0014_outbox_failures
Create Date: 2026-12-01

``venues.sequence``/``updated_at``: a renamed or moved venue raises the SEQUENCE of the
items held there (office hours take the venue's own). ``events.notify_organisers_of_
cancellations``: organisers are told when a participant cancels (on for existing events).
``users.calendar_alarm_minutes``: an optional reminder alarm in the personal feed.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0015_calendar_changes'
down_revision = '0014_outbox_failures'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    now = datetime.now(timezone.utc)
    if op.get_bind().dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)  # stored as naive UTC there, as UTCDateTime does
    venues = sa.table('venues', sa.column('sequence', sa.Integer()),
                      sa.column('updated_at', sa.DateTime(timezone=True)))
    op.execute(venues.update().values(sequence=0, updated_at=now))
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.alter_column('sequence', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_organisers_of_cancellations', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_alarm_minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('calendar_alarm_minutes')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('notify_organisers_of_cancellations')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('sequence')
