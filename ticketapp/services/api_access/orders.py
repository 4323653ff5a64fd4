"""Orders written through the API: the shop's own services and locks (holds, then the checkout)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from ticketapp.i18n import msgid
from ticketapp.models import Order, Refund, TicketType
from ticketapp.services.booking import checkout, holds
from ticketapp.services.booking.inventory import UnknownTicketTypeError, new_cart_token
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import cancellation, lifecycle
from ticketapp.services.orders.payments import PaymentOutcome, get_order_by_code, record_payment
from ticketapp.services.orders.providers.base import PaymentMethod
from ticketapp.services.orders.refunds import refund_order


class ApiOrderError(DomainError):
    """The API refused an order change; nothing changed."""


@dataclass(frozen=True)
class Line:
    ticket_type_id: int
    quantity: int
    attendee_names: Sequence[str] = ()


def create_order(
    session: Session,
    lines: Sequence[Line],
    *,
    buyer_name: str,
    buyer_email: str,
    locale: str = "en",
    answers: Mapping[str, str] | None = None,
    paid: bool = False,
    actor_id: int | None = None,
) -> Order:
    """Hold the seats and turn them into one pending order (as the shop's checkout does); `paid` records the
    payment at once (paid outside the shop: box office, invoice). BookingError etc. when refused: nothing stays."""
    _one_event(session, lines)
    cart = new_cart_token()
    try:
        for line in lines:
            holds.add_to_cart(session, cart, line.ticket_type_id, line.quantity)
        names = {line.ticket_type_id: list(line.attendee_names) for line in lines if line.attendee_names}
        [order] = checkout.convert_cart_to_pending_order(
            session,
            cart,
            buyer_name=buyer_name,
            buyer_email=buyer_email,
            locale=locale,
            attendee_names=names,
            answers=answers,
        )
    except Exception:
        session.rollback()
        holds.empty_cart(session, cart)
        raise
    if paid:  # the payment's log row names the token's staff member
        mark_paid(session, order.code, actor_id=actor_id)
        session.refresh(order)
    elif actor_id is not None:
        lifecycle.note(session, order.id or 0, "placed through the API", actor_id=actor_id)
        session.commit()
    return order


def _one_event(session: Session, lines: Sequence[Line]) -> None:
    """An order is for one event (so in one currency); an unknown type is refused as the shop refuses it."""
    if not lines:
        raise ApiOrderError(msgid("Please choose at least one ticket."))
    event_ids = set()
    for line in lines:
        ticket_type = session.get(TicketType, line.ticket_type_id)
        if ticket_type is None:
            raise UnknownTicketTypeError(msgid("This ticket type does not exist."))
        event_ids.add(ticket_type.event_id)
    if len(event_ids) > 1:
        raise ApiOrderError(msgid("All tickets of an order must be for the same event."))


def mark_paid(session: Session, code: str, *, actor_id: int | None) -> PaymentOutcome:
    """The organiser received the money outside the shop; recorded as a bank transfer with the order's code."""
    order = get_order_by_code(session, code)
    if order is None:
        raise ApiOrderError(msgid("Order not found."))
    outcome = record_payment(
        session,
        order.id or 0,
        provider=PaymentMethod.BANK_TRANSFER,
        reference=f"api-{order.code}",
        amount_minor=order.total_minor,
        currency=order.currency,
        actor_id=actor_id,
    )
    if outcome is PaymentOutcome.ALREADY_PAID:
        raise ApiOrderError(msgid("This order is already paid."))
    if outcome is not PaymentOutcome.PAID:
        raise ApiOrderError(msgid("This order can no longer be paid ({outcome})."), outcome=str(outcome))
    return outcome


def refund(session: Session, code: str, ticket_ids: list[int] | None, reason: str, *, actor_id: int | None) -> Refund:
    """A whole or partial refund (tickets void, money back through the provider that took it), as an admin does."""
    return refund_order(session, code, ticket_ids=ticket_ids or None, actor_id=actor_id, reason=reason[:200])


def cancel(session: Session, code: str, *, actor_id: int | None) -> Order:
    """Cancel an unpaid order (its seats are released); a paid one is refunded instead."""
    order = get_order_by_code(session, code)
    if order is None:
        raise ApiOrderError(msgid("Order not found."))
    if not cancellation.cancel_unpaid(session, order, "cancelled through the API", actor_id=actor_id):
        raise ApiOrderError(cancellation.NOT_CANCELLABLE)
    session.refresh(order)
    return order
