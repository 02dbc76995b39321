"""users can be deactivated by a site admin (users.deactivated_at)

Revision ID: 0018_user_deactivation
Revises: 0017_audit_log
Create Date: 2026-12-01

A deactivated account keeps its data but can no longer log in; NULL means active.
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_user_deactivation'
down_revision = '0017_audit_log'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
