"""custom questions: an event's questions and the buyers' answers (issue 17, questions)

Revision ID: 0014_questions
Revises: 0013_promotions
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014_questions'
down_revision: str | None = '0013_promotions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'event_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('help_text', sa.String(length=500), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('scope', sa.String(length=10), nullable=False),
        sa.Column('required', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=True),
        sa.Column('ticket_type_ids', sa.JSON(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('show_at_checkin', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_event_question_event_id', 'event_question', ['event_id'], unique=False)
    op.create_table(
        'question_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('ticket_type_id', sa.Integer(), nullable=False),
        sa.Column('attendee', sa.Integer(), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id']),
        sa.ForeignKeyConstraint(['question_id'], ['event_question.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('order_id', 'question_id', 'ticket_type_id', 'attendee', name='uq_answer_slot'),
    )
    op.create_index('ix_question_answer_order_id', 'question_answer', ['order_id'], unique=False)
    op.create_index('ix_question_answer_question_id', 'question_answer', ['question_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_question_answer_question_id', table_name='question_answer')
    op.drop_index('ix_question_answer_order_id', table_name='question_answer')
    op.drop_table('question_answer')
    op.drop_index('ix_event_question_event_id', table_name='event_question')
    op.drop_table('event_question')
