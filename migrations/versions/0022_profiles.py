"""profiles: one public profile per user, its skill/sector/language tags, messages relayed through the app

Revision ID: 0022_profiles
Revises: 0021_feedback
Create Date: 2026-12-01

Tags are rows (profile_tags), not JSON lists, so the directory filters are the same indexed
EXISTS on SQLite and PostgreSQL. profile_messages is the record the hourly per-sender limit counts.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_profiles'
down_revision = '0021_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('profile_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_profile_messages_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_to_id'], ['profile_messages.id'], name=op.f('fk_profile_messages_reply_to_id_profile_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_profile_messages_sender_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_messages'))
    )
    with op.batch_alter_table('profile_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_messages_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_profile_messages_sender_created', ['sender_id', 'created_at'], unique=False)

    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('headline', sa.String(length=160), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=80), nullable=False),
    sa.Column('region_key', sa.String(length=80), nullable=False),
    sa.Column('offers', sa.Text(), nullable=False),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('creative', 'company', 'other')", name=op.f('ck_profiles_kind_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_profiles_user_id'))
    )
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profiles_region_key'), ['region_key'], unique=False)

    op.create_table('profile_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('skill', 'sector', 'language')", name=op.f('ck_profile_tags_kind_known')),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_tags_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_tags')),
    sa.UniqueConstraint('profile_id', 'kind', 'tag', name='uq_profile_tags_profile_kind_tag')
    )
    with op.batch_alter_table('profile_tags', schema=None) as batch_op:
        batch_op.create_index('ix_profile_tags_kind_tag', ['kind', 'tag'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_tags_profile_id'), ['profile_id'], unique=False)



def downgrade():
    with op.batch_alter_table('profile_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_tags_profile_id'))
        batch_op.drop_index('ix_profile_tags_kind_tag')

    op.drop_table('profile_tags')
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profiles_region_key'))

    op.drop_table('profiles')
    with op.batch_alter_table('profile_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_messages_sender_created')
        batch_op.drop_index(batch_op.f('ix_profile_messages_recipient_id'))

    op.drop_table('profile_messages')
