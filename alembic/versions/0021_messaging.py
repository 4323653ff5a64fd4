"""attendee messaging: mail templates per event and language, scheduled/one-off messages, their
recipients (once each), unsubscribed addresses; check-in gates and re-entry (issue 18)

Revision ID: 0021_messaging
Revises: 0015_waitlist
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_messaging"
down_revision: str | None = "0023_event_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "kind", "lang", name="uq_mail_template_event_kind_lang"),
    )
    op.create_index("ix_mail_template_event_id", "mail_template", ["event_id"], unique=False)
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("ticket_type_id", sa.Integer(), nullable=True),
        sa.Column("checkin_filter", sa.String(length=16), nullable=False),
        sa.Column("order_status", sa.String(length=24), nullable=False),
        sa.Column("anchor", sa.String(length=8), nullable=True),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.ForeignKeyConstraint(["ticket_type_id"], ["tickettype.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_message_event_id", "message", ["event_id"], unique=False)
    op.create_index("ix_message_status", "message", ["status"], unique=False)
    op.create_table(
        "message_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["ticket_order.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", "email", name="uq_message_recipient"),
    )
    op.create_index("ix_message_recipient_message_id", "message_recipient", ["message_id"], unique=False)
    op.create_index("ix_message_recipient_order_id", "message_recipient", ["order_id"], unique=False)
    op.create_table(
        "mail_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_opt_out_email", "mail_opt_out", ["email"], unique=True)
    op.create_table(
        "checkin_gate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("ticket_type_ids", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checkin_gate_event_id", "checkin_gate", ["event_id"], unique=False)
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("reentry_allowed", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("exited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("exited_at")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("reentry_allowed")
    op.drop_index("ix_checkin_gate_event_id", table_name="checkin_gate")
    op.drop_table("checkin_gate")
    op.drop_index("ix_mail_opt_out_email", table_name="mail_opt_out")
    op.drop_table("mail_opt_out")
    op.drop_index("ix_message_recipient_order_id", table_name="message_recipient")
    op.drop_index("ix_message_recipient_message_id", table_name="message_recipient")
    op.drop_table("message_recipient")
    op.drop_index("ix_message_status", table_name="message")
    op.drop_index("ix_message_event_id", table_name="message")
    op.drop_table("message")
    op.drop_index("ix_mail_template_event_id", table_name="mail_template")
    op.drop_table("mail_template")
