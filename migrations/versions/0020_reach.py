"""reach: each target says what counts towards it (reach_targets.metric); manual tallies

Revision ID: 0020_reach
Revises: 0019_privacy
Create Date: 2026-12-01

The targets keep their label (what people read: "CCI visitors") and gain ``metric`` (what
is counted). Existing targets get a metric guessed from their label, the same words the
demo uses; anything unrecognised becomes ``manual`` (counted by hand), so that no target
silently counts something it did not mean. ``reach_tallies`` holds the hand counts per day.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_reach'
down_revision = '0019_privacy'
branch_labels = None
depends_on = None

#: First match wins (lower-case substring of the label -> metric).
_GUESSES = [
    ("exhibitor", "exhibitors"),
    ("visitor", "manual"),
    ("participant", "people_enrolled"),
    ("attend", "people_attended"),
    ("user", "people_served"),
    ("appointment", "helpdesk_appointments"),
    ("consultation", "helpdesk_appointments"),
    ("temporary use", "space_bookings"),
    ("booking", "space_bookings"),
    ("day", "booked_days"),
    ("challenge", "challenges"),
    ("application", "applications"),
]


def guess_metric(label):
    label = (label or "").lower()
    for word, metric in _GUESSES:
        if word in label:
            return metric
    return "manual"


def upgrade():
    with op.batch_alter_table('reach_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metric', sa.String(length=40), server_default='manual', nullable=False))
    targets = sa.table('reach_targets', sa.column('id', sa.Integer), sa.column('label', sa.String),
                       sa.column('metric', sa.String))
    connection = op.get_bind()
    for target_id, label in connection.execute(sa.select(targets.c.id, targets.c.label)).all():
        metric = guess_metric(label)
        if metric != 'manual':
            connection.execute(targets.update().where(targets.c.id == target_id).values(metric=metric))
    op.create_table(
        'reach_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('count >= 0', name=op.f('ck_reach_tallies_count_not_negative')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_reach_tallies_entered_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['target_id'], ['reach_targets.id'],
                                name=op.f('fk_reach_tallies_target_id_reach_targets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reach_tallies')),
        sa.UniqueConstraint('target_id', 'day', name='uq_reach_tallies_target_day'),
    )
    with op.batch_alter_table('reach_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reach_tallies_target_id'), ['target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reach_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reach_tallies_target_id'))
    op.drop_table('reach_tallies')
    with op.batch_alter_table('reach_targets', schema=None) as batch_op:
        batch_op.drop_column('metric')
