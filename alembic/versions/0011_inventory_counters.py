"""inventory counters: seats sold and held per ticket type, kept under its lock (issue 12, item 7)

Adds `tickettype.sold_count` / `held_count`, `hold.counted`, `orderitem.seats_counted` and an
index on `ticket_order (status, expires_at)`, then fills them from the sums they replace:
a hold counts while `expires_at > now`; an order item counts when its order is paid, or
pending with its payment window open (ticketapp.services.booking.inventory.counts_as_sold).

Revision ID: 0011_inventory_counters
Revises: 0010_risk
Create Date: 2026-12-02 03:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0011_inventory_counters'
down_revision: str | None = '0010_risk'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAID = ('paid', 'partially_refunded')
PENDING = ('pending', 'awaiting_payment')


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): SQLite ≥ 3.35 adds and drops these columns in place,
    # so a database with orders in it goes down and up again with its foreign keys on.
    op.add_column('tickettype', sa.Column('sold_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('tickettype', sa.Column('held_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('hold', sa.Column('counted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('orderitem', sa.Column('seats_counted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index('ix_ticket_order_status_expires', 'ticket_order', ['status', 'expires_at'], unique=False)
    _backfill()


def _backfill() -> None:
    # Typed, so SQLite gets the same text form as the stored UTC times.
    now = sa.bindparam('now', datetime.now(UTC), type_=sa.DateTime(timezone=True))
    hold = sa.table('hold', sa.column('ticket_type_id'), sa.column('quantity'), sa.column('expires_at'),
                    sa.column('counted'))
    item = sa.table('orderitem', sa.column('order_id'), sa.column('ticket_type_id'), sa.column('quantity'),
                    sa.column('seats_counted'))
    order = sa.table('ticket_order', sa.column('id'), sa.column('status'), sa.column('expires_at'))
    ticket_type = sa.table('tickettype', sa.column('id'), sa.column('sold_count'), sa.column('held_count'))
    sold_orders = sa.select(order.c.id).where(
        sa.or_(order.c.status.in_(PAID), sa.and_(order.c.status.in_(PENDING), order.c.expires_at > now))
    )
    op.execute(hold.update().where(hold.c.expires_at > now).values(counted=sa.true()))
    op.execute(item.update().where(item.c.order_id.in_(sold_orders)).values(seats_counted=sa.true()))
    held = (
        sa.select(sa.func.coalesce(sa.func.sum(hold.c.quantity), 0))
        .where(hold.c.ticket_type_id == ticket_type.c.id, hold.c.counted == sa.true())
        .scalar_subquery()
    )
    sold = (
        sa.select(sa.func.coalesce(sa.func.sum(item.c.quantity), 0))
        .where(item.c.ticket_type_id == ticket_type.c.id, item.c.seats_counted == sa.true())
        .scalar_subquery()
    )
    op.execute(ticket_type.update().values(sold_count=sold, held_count=held))


def downgrade() -> None:
    op.drop_index('ix_ticket_order_status_expires', table_name='ticket_order')
    op.drop_column('orderitem', 'seats_counted')
    op.drop_column('hold', 'counted')
    op.drop_column('tickettype', 'held_count')
    op.drop_column('tickettype', 'sold_count')
