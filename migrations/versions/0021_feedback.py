"""feedback questionnaires after events: forms, questions, respondents, responses, answers

Revision ID: 0021_feedback
Revises: 0020_reach
Create Date: 2026-12-01

feedback_respondents is the "has answered" marker (its primary key: once per person and
form); feedback_responses.user_id and submitted_at stay NULL on anonymous forms.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_feedback'
down_revision = '0020_reach'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_feedback_forms_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_forms')),
    sa.UniqueConstraint('event_id', name=op.f('uq_feedback_forms_event_id'))
    )
    op.create_table('feedback_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('choices', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('rating', 'choice', 'text')", name=op.f('ck_feedback_questions_kind_known')),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_forms.id'], name=op.f('fk_feedback_questions_form_id_feedback_forms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_questions'))
    )
    with op.batch_alter_table('feedback_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_questions_form_id'), ['form_id'], unique=False)

    op.create_table('feedback_respondents',
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_forms.id'], name=op.f('fk_feedback_respondents_form_id_feedback_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_respondents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('form_id', 'user_id', name=op.f('pk_feedback_respondents'))
    )
    with op.batch_alter_table('feedback_respondents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_respondents_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_forms.id'], name=op.f('fk_feedback_responses_form_id_feedback_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses'))
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_responses_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_responses_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_feedback_answers_rating_in_scale')),
    sa.ForeignKeyConstraint(['question_id'], ['feedback_questions.id'], name=op.f('fk_feedback_answers_question_id_feedback_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['feedback_responses.id'], name=op.f('fk_feedback_answers_response_id_feedback_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_answers')),
    sa.UniqueConstraint('response_id', 'question_id', name='uq_feedback_answers_response_question')
    )
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_answers_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_answers_response_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_answers_question_id'))

    op.drop_table('feedback_answers')
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_user_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_responses_form_id'))

    op.drop_table('feedback_responses')
    with op.batch_alter_table('feedback_respondents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_respondents_user_id'))

    op.drop_table('feedback_respondents')
    with op.batch_alter_table('feedback_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_questions_form_id'))

    op.drop_table('feedback_questions')
    op.drop_table('feedback_forms')
