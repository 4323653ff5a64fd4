"""promo code extras: hidden ticket types and the codes that unlock them, codes mailed to a list (issue 17)

Revision ID: 0022_code_extras
Revises: 0015_waitlist
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_code_extras"
down_revision: str | None = "0015_waitlist"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickettype") as batch:
        batch.add_column(sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("promo_code") as batch:
        batch.add_column(sa.Column("unlocks_ticket_type_ids", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("sent_to", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promo_code") as batch:
        batch.drop_column("sent_at")
        batch.drop_column("sent_to")
        batch.drop_column("unlocks_ticket_type_ids")
    with op.batch_alter_table("tickettype") as batch:
        batch.drop_column("hidden")
