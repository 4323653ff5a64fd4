"""promo code extras: hidden ticket types and the codes that unlock them, codes mailed to a list (issue 17)

Revision ID: 0022_code_extras
Revises: 0015_waitlist
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_code_extras"
down_revision: str | None = "0020_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickettype", sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("promo_code", sa.Column("unlocks_ticket_type_ids", sa.JSON(), nullable=True))
    op.add_column("promo_code", sa.Column("sent_to", sa.String(length=320), nullable=True))
    op.add_column("promo_code", sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("promo_code", "sent_at")
    op.drop_column("promo_code", "sent_to")
    op.drop_column("promo_code", "unlocks_ticket_type_ids")
    op.drop_column("tickettype", "hidden")
