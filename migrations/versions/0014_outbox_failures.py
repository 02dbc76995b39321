"""outbox failures: when a message failed, and whose claim a message is

Revision ID: 0014_outbox_failures
Revises: 0013_user_sessions
Create Date: 2026-12-01

``failed_at`` tells administrators when a message was given up (the failed-messages page);
``claim_token`` lets a worker record a result only while the message is still its own,
so a worker that was slow past the stale-claim time-out never overwrites the outcome of
the worker that took the message over. Both are nullable additions.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_outbox_failures'
down_revision = '0013_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claim_token')
