"""spaces: listings, opening hours, blackouts, bookings, team members

Revision ID: 0003_spaces
Revises: 0002_workshops
Create Date: 2026-11-21 12:45:06.541472

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_spaces"
down_revision = "0002_workshops"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('space_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('min_days', sa.Integer(), nullable=False),
    sa.Column('max_days', sa.Integer(), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('available_until', sa.Date(), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('booking_mode', sa.String(length=10), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("booking_mode IN ('request', 'instant')", name=op.f('ck_space_listings_booking_mode_known')),
    sa.CheckConstraint("kind IN ('shop', 'studio', 'showroom_shelf', 'box', 'desk', 'workshop', 'office')", name=op.f('ck_space_listings_kind_known')),
    sa.CheckConstraint("status IN ('draft', 'published', 'archived')", name=op.f('ck_space_listings_status_known')),
    sa.CheckConstraint('available_until >= available_from', name=op.f('ck_space_listings_window_order')),
    sa.CheckConstraint('lead_days >= 0', name=op.f('ck_space_listings_lead_days_not_negative')),
    sa.CheckConstraint('max_days >= min_days', name=op.f('ck_space_listings_max_days_not_below_min')),
    sa.CheckConstraint('min_days >= 1', name=op.f('ck_space_listings_min_days_positive')),
    sa.CheckConstraint('units > 0', name=op.f('ck_space_listings_units_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_space_listings_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_space_listings_programme_id_programmes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_space_listings_venue_id_venues'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_listings'))
    )
    with op.batch_alter_table('space_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_listings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_space_listings_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index('ix_space_listings_status_window', ['status', 'available_from', 'available_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_space_listings_venue_id'), ['venue_id'], unique=False)

    op.create_table('space_blackouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint('end_date > start_date', name=op.f('ck_space_blackouts_date_order')),
    sa.ForeignKeyConstraint(['listing_id'], ['space_listings.id'], name=op.f('fk_space_blackouts_listing_id_space_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_blackouts'))
    )
    with op.batch_alter_table('space_blackouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_blackouts_listing_id'), ['listing_id'], unique=False)

    op.create_table('space_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decline_reason', sa.String(length=1000), nullable=False),
    sa.Column('cancelled_by', sa.String(length=10), nullable=False),
    sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status <> 'declined' OR decline_reason <> ''", name=op.f('ck_space_bookings_declined_has_reason')),
    sa.CheckConstraint("status IN ('requested', 'confirmed', 'declined', 'cancelled', 'expired')", name=op.f('ck_space_bookings_status_known')),
    sa.CheckConstraint('end_date > start_date', name=op.f('ck_space_bookings_date_order')),
    sa.CheckConstraint('units > 0', name=op.f('ck_space_bookings_units_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_space_bookings_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['listing_id'], ['space_listings.id'], name=op.f('fk_space_bookings_listing_id_space_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_space_bookings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_bookings'))
    )
    with op.batch_alter_table('space_bookings', schema=None) as batch_op:
        batch_op.create_index('ix_space_bookings_confirmed_by_end', ['listing_id', 'end_date', 'start_date'], unique=False, sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'"))
        batch_op.create_index(batch_op.f('ix_space_bookings_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_space_bookings_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_space_bookings_active_per_user', ['listing_id', 'user_id', 'start_date'], unique=True, sqlite_where=sa.text("status IN ('requested', 'confirmed')"), postgresql_where=sa.text("status IN ('requested', 'confirmed')"))

    op.create_table('space_opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('closes > opens', name=op.f('ck_space_opening_hours_closes_after_opens')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_space_opening_hours_weekday_range')),
    sa.ForeignKeyConstraint(['listing_id'], ['space_listings.id'], name=op.f('fk_space_opening_hours_listing_id_space_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_opening_hours'))
    )
    with op.batch_alter_table('space_opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_opening_hours_listing_id'), ['listing_id'], unique=False)

    op.create_table('space_team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('home_region', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['space_bookings.id'], name=op.f('fk_space_team_members_booking_id_space_bookings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_team_members'))
    )
    with op.batch_alter_table('space_team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_space_team_members_booking_id'), ['booking_id'], unique=False)



def downgrade():
    with op.batch_alter_table('space_team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_team_members_booking_id'))

    op.drop_table('space_team_members')
    with op.batch_alter_table('space_opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_opening_hours_listing_id'))

    op.drop_table('space_opening_hours')
    with op.batch_alter_table('space_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_space_bookings_active_per_user', sqlite_where=sa.text("status IN ('requested', 'confirmed')"), postgresql_where=sa.text("status IN ('requested', 'confirmed')"))
        batch_op.drop_index(batch_op.f('ix_space_bookings_user_id'))
        batch_op.drop_index(batch_op.f('ix_space_bookings_listing_id'))
        batch_op.drop_index('ix_space_bookings_confirmed_by_end', sqlite_where=sa.text("status = 'confirmed'"), postgresql_where=sa.text("status = 'confirmed'"))

    op.drop_table('space_bookings')
    with op.batch_alter_table('space_blackouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_blackouts_listing_id'))

    op.drop_table('space_blackouts')
    with op.batch_alter_table('space_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_space_listings_venue_id'))
        batch_op.drop_index('ix_space_listings_status_window')
        batch_op.drop_index(batch_op.f('ix_space_listings_programme_id'))
        batch_op.drop_index(batch_op.f('ix_space_listings_organisation_id'))

    op.drop_table('space_listings')
