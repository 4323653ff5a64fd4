"""organiser REST API: scoped tokens for staff members and integrations, idempotency keys (issue 19)

Revision ID: 0019_api_access
Revises: 0015_waitlist
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_api_access"
down_revision: str | None = "0024_content_languages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_api_token", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("scopes", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_staff_api_token_created_by", "user_account", ["created_by_id"], ["id"])
    op.create_table(
        "api_idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["staff_api_token.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_id", "key", name="uq_api_idempotency_token_key"),
    )
    op.create_index("ix_api_idempotency_key_created_at", "api_idempotency_key", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_api_idempotency_key_created_at", table_name="api_idempotency_key")
    op.drop_table("api_idempotency_key")
    op.execute("DELETE FROM staff_api_token WHERE user_id IS NULL")
    with op.batch_alter_table("staff_api_token", schema=None) as batch_op:
        batch_op.drop_constraint("fk_staff_api_token_created_by", type_="foreignkey")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("scopes")
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
