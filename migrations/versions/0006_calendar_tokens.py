"""calendar tokens: a secret per user for personal and organiser feed URLs

Revision ID: 0006_calendar_tokens
Revises: 0005_outbox
Create Date: 2026-11-21

Existing users get a random token each (backfilled in Python, so it works on SQLite and
PostgreSQL alike) before the column becomes NOT NULL and unique.
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0006_calendar_tokens'
down_revision = '0005_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('calendar_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(calendar_token=secrets.token_urlsafe(32)))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('calendar_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_token'), ['calendar_token'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')
