"""enrolment decline reason: organisers may say why they declined (API: POST /enrolments/<id>/decline)

Revision ID: 0016_enrolment_decline_reason
Revises: 0015_calendar_changes
Create Date: 2026-12-01

Existing enrolments get an empty reason; the server default used to fill them is removed
again so the schema matches the model.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_enrolment_decline_reason'
down_revision = '0015_calendar_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decline_reason', sa.String(length=1000), nullable=False, server_default=''))
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.alter_column('decline_reason', existing_type=sa.String(length=1000), server_default=None)


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('decline_reason')
