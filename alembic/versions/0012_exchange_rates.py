"""exchange rates for approximate prices in the visitor's currency (issue 16, currencies)

Revision ID: 0012_exchange_rates
Revises: 0011_inventory_counters
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_exchange_rates'
down_revision: str | None = '0011_inventory_counters'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'exchange_rate',
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('per_eur', sa.String(length=32), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=120), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('currency'),
    )


def downgrade() -> None:
    op.drop_table('exchange_rate')
