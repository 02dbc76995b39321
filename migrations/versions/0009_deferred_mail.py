"""deferred mail: notifications are queued as ids and composed by the worker

Revision ID: 0009_deferred_mail
Revises: 0008_mail_notifications
Create Date: 2026-11-21

A deferred outbox row holds ``payload`` (the ids it is about) and no texts yet; the
worker fills in recipient, subject, bodies and .ics just before sending. A CHECK keeps
every row either composed or deferred. Downgrading drops rows that were never composed
(they could not satisfy NOT NULL).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_deferred_mail'
down_revision = '0008_mail_notifications'
branch_labels = None
depends_on = None

NULLABLE = [('recipient_email', sa.String(length=254)), ('subject', sa.String(length=300)),
            ('body_text', sa.Text()), ('body_html', sa.Text())]


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        for name, type_ in NULLABLE:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
        batch_op.create_check_constraint('composed_or_deferred', 'body_text IS NOT NULL OR payload IS NOT NULL')


def downgrade():
    op.execute("DELETE FROM outbox WHERE body_text IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint('composed_or_deferred', type_='check')
        for name, type_ in reversed(NULLABLE):
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.drop_column('payload')
