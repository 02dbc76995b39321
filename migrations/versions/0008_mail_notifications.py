"""mail notifications: the reminders opt-out on users

Revision ID: 0008_mail_notifications
Revises: 0007_calendar_versions
Create Date: 2026-11-21

Everybody gets reminders until they opt out in their profile (server default true, so
existing rows need no backfill). The outbox itself came with 0005_outbox.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_mail_notifications'
down_revision = '0007_calendar_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_reminders', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mail_reminders')
