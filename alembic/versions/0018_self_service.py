"""buyer self-service: refund policy and transfer rules per event, refund requests, ticket transfers (issue 18)

Revision ID: 0018_self_service
Revises: 0017_invoicing
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_self_service'
down_revision: str | None = '0017_invoicing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('event', sa.Column('refund_mode', sa.String(length=16), server_default='none', nullable=False))
    op.add_column('event', sa.Column('refund_days_before', sa.Integer(), server_default='0', nullable=False))
    op.add_column('event', sa.Column('refund_fee_kind', sa.String(length=8), server_default='fixed', nullable=False))
    op.add_column('event', sa.Column('refund_fee_value', sa.Integer(), server_default='0', nullable=False))
    op.add_column('event', sa.Column('transfers_allowed', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('event', sa.Column('transfer_limit', sa.Integer(), nullable=True))
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('holder_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transfer_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_ticket_holder_email', ['holder_email'], unique=False)
        batch_op.create_index('ix_ticket_holder_user_id', ['holder_user_id'], unique=False)
        batch_op.create_foreign_key('fk_ticket_holder_user_id', 'user_account', ['holder_user_id'], ['id'])
    op.create_table(
        'refund_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('amount_minor', sa.Integer(), nullable=False),
        sa.Column('fee_minor', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('decision_reason', sa.String(length=500), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('refund_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id']),
        sa.ForeignKeyConstraint(['refund_id'], ['refund.id']),
        sa.ForeignKeyConstraint(['requested_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_refund_request_order_id', 'refund_request', ['order_id'], unique=False)
    op.create_index('ix_refund_request_status', 'refund_request', ['status'], unique=False)
    op.create_table(
        'ticket_transfer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('to_name', sa.String(length=200), nullable=False),
        sa.Column('to_email', sa.String(length=320), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('offered_by', sa.Integer(), nullable=True),
        sa.Column('accepted_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['accepted_user_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['offered_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id']),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_ticket_transfer_ticket_id', 'ticket_transfer', ['ticket_id'], unique=False)
    op.create_index('ix_ticket_transfer_order_id', 'ticket_transfer', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ticket_transfer_order_id', table_name='ticket_transfer')
    op.drop_index('ix_ticket_transfer_ticket_id', table_name='ticket_transfer')
    op.drop_table('ticket_transfer')
    op.drop_index('ix_refund_request_status', table_name='refund_request')
    op.drop_index('ix_refund_request_order_id', table_name='refund_request')
    op.drop_table('refund_request')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ticket_holder_user_id', type_='foreignkey')
        batch_op.drop_index('ix_ticket_holder_user_id')
        batch_op.drop_index('ix_ticket_holder_email')
        batch_op.drop_column('transfer_count')
        batch_op.drop_column('holder_user_id')
        batch_op.drop_column('holder_email')
    for column in ('transfer_limit', 'transfers_allowed', 'refund_fee_value', 'refund_fee_kind',
                   'refund_days_before', 'refund_mode'):
        op.drop_column('event', column)
