"""promo codes: codes, their redemptions, the discount kept on order lines (issue 17, promotions)

Revision ID: 0013_promotions
Revises: 0012_exchange_rates
Create Date: 2026-12-02 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_promotions'
down_revision: str | None = '0012_exchange_rates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'promo_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.Column('ticket_type_ids', sa.JSON(), nullable=True),
        sa.Column('max_uses', sa.Integer(), nullable=True),
        sa.Column('max_uses_per_buyer', sa.Integer(), nullable=True),
        sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('min_quantity', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_promo_code_code', 'promo_code', ['code'], unique=True)
    op.create_index('ix_promo_code_event_id', 'promo_code', ['event_id'], unique=False)
    op.create_table(
        'promo_redemption',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('promo_code_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('buyer_email', sa.String(length=320), nullable=False),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.Column('discount_minor', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id']),
        sa.ForeignKeyConstraint(['promo_code_id'], ['promo_code.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_promo_redemption_promo_code_id', 'promo_redemption', ['promo_code_id'], unique=False)
    op.create_index('ix_promo_redemption_order_id', 'promo_redemption', ['order_id'], unique=True)
    op.create_index('ix_promo_redemption_buyer_email', 'promo_redemption', ['buyer_email'], unique=False)
    # Plain ALTER TABLE, as in 0011: SQLite adds and drops these columns in place.
    op.add_column('orderitem', sa.Column('discount_minor', sa.Integer(), server_default='0', nullable=False))
    op.add_column('ticket_order', sa.Column('promo_code', sa.String(length=40), nullable=True))
    op.add_column('cart', sa.Column('promo_code', sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column('cart', 'promo_code')
    op.drop_column('ticket_order', 'promo_code')
    op.drop_column('orderitem', 'discount_minor')
    op.drop_index('ix_promo_redemption_buyer_email', table_name='promo_redemption')
    op.drop_index('ix_promo_redemption_order_id', table_name='promo_redemption')
    op.drop_index('ix_promo_redemption_promo_code_id', table_name='promo_redemption')
    op.drop_table('promo_redemption')
    op.drop_index('ix_promo_code_event_id', table_name='promo_code')
    op.drop_index('ix_promo_code_code', table_name='promo_code')
    op.drop_table('promo_code')
