"""audit log: who changed someone else's data, when, what, and the previous value

Revision ID: 0017_audit_log
Revises: 0016_enrolment_decline_reason
Create Date: 2026-12-01

Actor, subject and organisation are ids set to NULL when their row goes, so the entries
survive an account's deletion with the person anonymised (and an organisation's deletion).
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_audit_log'
down_revision = '0016_enrolment_decline_reason'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('subject_type', sa.String(length=40), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('subject_user_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.String(length=300), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_audit_entries_organisation_id_organisations'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'],
                                name=op.f('fk_audit_entries_subject_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    op.create_index('ix_audit_entries_org_id_desc', 'audit_entries', ['organisation_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_audit_entries_org_id_desc', table_name='audit_entries')
    op.drop_table('audit_entries')
