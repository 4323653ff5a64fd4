"""event content per language (title, description, ticket type names, main language; issue 16) and the
origin an order was placed on, for the links of mails sent later by the job worker (issue 15)

Revision ID: 0024_content_languages
Revises: 0015_waitlist
Create Date: 2026-12-03 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL (comparable: queries DISTINCT whole event rows), JSON (text) on SQLite.
TRANSLATIONS = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0024_content_languages"
down_revision: str | None = "0015_waitlist"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("event", sa.Column("main_language", sa.String(length=8), server_default="en", nullable=False))
    op.add_column("event", sa.Column("translations", TRANSLATIONS, nullable=True))
    op.add_column("tickettype", sa.Column("translations", TRANSLATIONS, nullable=True))
    op.add_column("ticket_order", sa.Column("origin", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Plain drops, as the earlier migrations do (SQLite ≥ 3.35 drops a column without recreating the table).
    op.drop_column("ticket_order", "origin")
    op.drop_column("tickettype", "translations")
    op.drop_column("event", "translations")
    op.drop_column("event", "main_language")
