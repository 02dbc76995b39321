"""calendar versions: SEQUENCE and LAST-MODIFIED for everything that appears in feeds

Revision ID: 0007_calendar_versions
Revises: 0006_calendar_tokens
Create Date: 2026-11-21

Existing rows start at sequence 0; ``updated_at`` is backfilled from ``created_at`` where
the table has one (sessions take their event's). The temporary server defaults are
removed again, so the schema matches the models exactly.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_calendar_versions'
down_revision = '0006_calendar_tokens'
branch_labels = None
depends_on = None

#: table -> columns to add
ADDED = {
    'events': ('sequence',),
    'event_sessions': ('sequence', 'updated_at'),
    'enrolments': ('sequence',),
    'space_bookings': ('sequence', 'updated_at'),
    'helpdesk_appointments': ('updated_at',),
}


def _column(name, server_default=True):
    if name == 'sequence':
        return sa.Column('sequence', sa.Integer(), nullable=False,
                         server_default=sa.text('0') if server_default else None)
    return sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.current_timestamp() if server_default else None)


def upgrade():
    for table, columns in ADDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in columns:
                batch_op.add_column(_column(name))

    op.execute("UPDATE space_bookings SET updated_at = created_at")
    op.execute("UPDATE helpdesk_appointments SET updated_at = created_at")
    op.execute("UPDATE event_sessions SET updated_at = "
               "(SELECT events.updated_at FROM events WHERE events.id = event_sessions.event_id)")

    for table, columns in ADDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in columns:
                batch_op.alter_column(name, server_default=None)


def downgrade():
    for table, columns in reversed(list(ADDED.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(columns):
                batch_op.drop_column(name)
