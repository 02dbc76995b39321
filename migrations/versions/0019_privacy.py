"""privacy: consent at sign-up (users.consent_at, users.consent_version) and erased accounts (users.deleted_at)

Revision ID: 0019_privacy
Revises: 0018_user_deactivation
Create Date: 2026-12-01

``consent_at`` and ``consent_version``: when the person accepted the privacy notice at
sign-up, and which version of it (PRIVACY_NOTICE_VERSION); NULL for accounts from before.
``deleted_at``: the account was erased by its owner; the row stays, anonymised, so that
counts for the pilots' statistics survive (enrolments, bookings and appointments point to it).
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_privacy'
down_revision = '0018_user_deactivation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consent_at')
