"""waiting lists: one row per person waiting for a sold-out ticket type, with the offer made to them (issue 17)

Revision ID: 0015_waitlist
Revises: 0018_self_service
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_waitlist"
down_revision: str | None = "0018_self_service"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waitlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_type_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cart_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_type_id"], ["tickettype.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["cart_id"], ["cart.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["ticket_order.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_waitlist_entry_line", "waitlist_entry", ["ticket_type_id", "status", "queued_at"], unique=False)
    op.create_index("ix_waitlist_entry_cart_id", "waitlist_entry", ["cart_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_waitlist_entry_cart_id", table_name="waitlist_entry")
    op.drop_index("ix_waitlist_entry_line", table_name="waitlist_entry")
    op.drop_table("waitlist_entry")
