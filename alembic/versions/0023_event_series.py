"""event series: many dates of one show, each date an ordinary event pointing at its series (issue 17)

Revision ID: 0023_event_series
Revises: 0015_waitlist
Create Date: 2026-12-03 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_event_series"
down_revision: str | None = "0019_api_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=220), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_series_slug", "event_series", ["slug"], unique=True)
    # A plain ADD COLUMN (SQLite accepts a REFERENCES clause on a nullable new column; elsewhere alembic adds
    # the constraint after): no batch rebuild of `event`, so its search triggers stay untouched.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE event ADD COLUMN series_id INTEGER REFERENCES event_series (id)")
    else:
        op.add_column("event", sa.Column("series_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_event_series_id", "event", "event_series", ["series_id"], ["id"])
    op.create_index("ix_event_series_id", "event", ["series_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_event_series_id", table_name="event")
    with op.batch_alter_table("event") as batch:  # SQLite drops a column with a foreign key by rebuilding
        batch.drop_column("series_id")
    op.drop_index("ix_event_series_slug", table_name="event_series")
    op.drop_table("event_series")
