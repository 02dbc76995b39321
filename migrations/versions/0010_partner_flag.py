"""partner flag: organisations that take part without being one of the eight partners

Revision ID: 0010_partner_flag
Revises: 0009_deferred_mail
Create Date: 2026-11-21

Existing organisations are the InduCCI partners (true); the server default used to fill
them is removed again so the schema matches the model.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_partner_flag'
down_revision = '0009_deferred_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_partner', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('is_partner', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('is_partner')
