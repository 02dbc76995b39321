"""desk zone from its venue: drop helpdesks.timezone and helpdesk_rules.one_off

Revision ID: 0012_desk_timezone_from_venue
Revises: 0011_calendar_changed_at
Create Date: 2026-11-21

A desk's zone is now its venue's (else its organisation's), read through the model, so a
venue that changes zone takes its desks along; a copy kept on the desk went stale.
``one_off`` only repeated ``valid_from = valid_until`` and is a model property now.
The downgrade fills both columns again from the same sources.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_desk_timezone_from_venue'
down_revision = '0011_calendar_changed_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('helpdesk_rules', schema=None) as batch_op:
        batch_op.drop_column('one_off')
    with op.batch_alter_table('helpdesks', schema=None) as batch_op:
        batch_op.drop_column('timezone')


def downgrade():
    with op.batch_alter_table('helpdesks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE helpdesks SET timezone = COALESCE("
        "(SELECT venues.timezone FROM venues WHERE venues.id = helpdesks.venue_id), "
        "(SELECT organisations.timezone FROM organisations WHERE organisations.id = helpdesks.organisation_id))"
    )
    with op.batch_alter_table('helpdesks', schema=None) as batch_op:
        batch_op.alter_column('timezone', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('helpdesk_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_off', sa.Boolean(), nullable=True))
    op.execute("UPDATE helpdesk_rules SET one_off = (valid_until IS NOT NULL AND valid_until = valid_from)")
    with op.batch_alter_table('helpdesk_rules', schema=None) as batch_op:
        batch_op.alter_column('one_off', existing_type=sa.Boolean(), nullable=False)
