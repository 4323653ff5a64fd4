"""The one call that every path freeing seats makes after its commit: the waiting lists may get them.

Kept apart from `offers` (no booking imports) so the order and catalogue services can call it
without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from ticketapp.models import OrderItem
from ticketapp.services import hooks

SEATS_BACK = "waitlist.seats_back"  # the hooks event: seats of these types may be free again


def seats_back(ticket_type_ids: Iterable[int]) -> None:
    """After a commit that freed seats of these types: offer them to the people waiting (a job).

    The cause is committed, so a job that cannot start is logged, not raised; the minute job
    (`ticketapp.tasks.waiting_list_offers`) finds the seats anyway.
    """
    ids = sorted(set(ticket_type_ids))
    if ids:
        hooks.emit_due(SEATS_BACK, ticket_type_ids=ids)


def seats_back_of_order(session: Session, order_id: int) -> None:
    """`seats_back` for the ticket types of an order that stopped holding seats."""
    seats_back(session.exec(select(OrderItem.ticket_type_id).where(col(OrderItem.order_id) == order_id)).all())
