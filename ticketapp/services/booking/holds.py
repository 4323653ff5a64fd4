"""Cart holds: reserve, change, renew, release and merge — each a locked check-then-write.

The rules (availability, sales window, limits) and the locking live in
`ticketapp.services.booking.inventory`; see its docstring for why this never oversells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import Cart, Hold, Order, OrderItem, OrderStatus, utcnow
from ticketapp.services.booking import seats
from ticketapp.services.booking.inventory import (
    NOT_ON_SALE_MESSAGES,
    BookingError,
    InvalidQuantityError,
    LimitExceededError,
    NotEnoughAvailableError,
    NotOnSaleError,
    SalesState,
    UnknownTicketTypeError,
    check_quantity,
    customer_count_for_event,
    find_cart,
    get_or_create_cart,
    lock_cart_holds,
    lock_holds_of_carts,
    lock_inventory,
    new_cart,
    new_cart_token,
    sales_state,
)
from ticketapp.services.promotions import codes as promo_codes
from ticketapp.settings import get_settings


def set_hold_quantity(
    session: Session,
    cart_token: str,
    ticket_type_id: int,
    quantity: int,
    *,
    user_id: int | None = None,
    add: bool = False,
    now: datetime | None = None,
) -> Hold | None:
    """Reserve exactly `quantity` (or `add` that many) tickets of a type for a cart.

    0 removes the line. Raises a BookingError, changing nothing, when the type is
    unknown or not on sale, the quantity is invalid or above a limit, or not
    enough tickets are free. A successful change restarts the hold's countdown.
    """
    quantity = check_quantity(quantity)
    # Ids outside a 32-bit key can only be tampered input (and would make PostgreSQL raise).
    if isinstance(ticket_type_id, bool) or not isinstance(ticket_type_id, int) or not 0 < ticket_type_id < 2**31:
        raise UnknownTicketTypeError(msgid("This ticket type does not exist."))
    begin_write_locked(session)
    try:
        hold = _set_hold_locked(session, cart_token, ticket_type_id, quantity, user_id, add, now)
    except BookingError:
        session.rollback()
        raise
    session.commit()
    return hold


def _set_hold_locked(
    session: Session,
    token: str,
    ticket_type_id: int,
    quantity: int,
    user_id: int | None,
    add: bool,
    now: datetime | None,
) -> Hold | None:
    # The cart row first: it needs no inventory lock, so nobody waits on it (PostgreSQL).
    cart = find_cart(session, token)
    fresh = cart is None
    cart = new_cart(session, token, user_id) if cart is None else cart
    events, types = lock_inventory(session, [ticket_type_id])
    # The clock is read once the locks are held: a time taken before waiting
    # would judge holds that lapsed meanwhile as still live.
    now = now or utcnow()
    ticket_type = types.get(ticket_type_id)
    if ticket_type is None:
        raise UnknownTicketTypeError(msgid("This ticket type does not exist."))
    if ticket_type.hidden and ticket_type_id not in promo_codes.unlocked_types(session, cart.promo_code, now):
        raise UnknownTicketTypeError(msgid("This ticket type does not exist."))  # shown only with its code
    event = events[ticket_type.event_id]
    seats.release_lapsed(session, types, now)
    hold = session.exec(select(Hold).where(Hold.cart_id == cart.id, Hold.ticket_type_id == ticket_type_id)).first()
    if add and hold is not None and hold.expires_at > now:
        quantity += hold.quantity
    if quantity == 0:
        if hold is not None:
            seats.drop_hold(session, hold, ticket_type)
        return None
    state = sales_state(event, ticket_type, now)
    if state != SalesState.ON_SALE:
        raise NotOnSaleError(NOT_ON_SALE_MESSAGES[state])
    if quantity > ticket_type.max_per_order:
        raise LimitExceededError(
            msgid("At most {limit} tickets of this type per order."), limit=ticket_type.max_per_order
        )
    remaining = seats.free(ticket_type, hold).remaining
    if remaining == 0:
        raise NotEnoughAvailableError(msgid("Sold out."))
    if quantity > remaining:
        raise NotEnoughAvailableError(msgid("Only {remaining} tickets left."), remaining=remaining)
    cap = event.max_tickets_per_customer
    if cap is not None:
        # A signed-in buyer's orders count too (their cart remembers them); a guest's cart counts its holds.
        owner = user_id if user_id is not None else cart.user_id
        already = customer_count_for_event(session, event.id or 0, cart, owner, now, ticket_type_id)
        if already + quantity > cap:
            in_cart = hold.quantity if hold is not None and hold.expires_at > now else 0
            raise cap_reached(cap, already + in_cart)
    if hold is None:
        hold = Hold(cart_id=cart.id or 0, ticket_type_id=ticket_type_id, quantity=quantity, expires_at=now)
    hold.user_id = user_id if user_id is not None else cart.user_id
    seats.hold(session, hold, ticket_type, quantity, now + get_settings().hold_duration)
    if not fresh:
        if user_id is not None and cart.user_id is None:
            cart.user_id = user_id
        cart.updated_at = now
        session.add(cart)
    return hold


def cap_reached(cap: int, already: int) -> LimitExceededError:
    """The per-customer cap refused a change: say how many more this customer may still take."""
    left = max(cap - already, 0)
    if left == 0:
        return LimitExceededError(
            msgid("At most {limit} tickets per customer for this event, and you already have {limit}."), limit=cap
        )
    return LimitExceededError(
        msgid("At most {limit} tickets per customer for this event: you can add {left} more."), limit=cap, left=left
    )


def add_to_cart(
    session: Session, cart_token: str, ticket_type_id: int, quantity: int, *, user_id: int | None = None
) -> Hold | None:
    """Add `quantity` tickets to what the cart already holds of this type."""
    if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity == 0:
        raise InvalidQuantityError(msgid("Please choose at least one ticket."))
    return set_hold_quantity(session, cart_token, ticket_type_id, quantity, user_id=user_id, add=True)


def empty_cart(session: Session, cart_token: str) -> int:
    """Release every hold of the cart; returns how many lines were removed."""
    begin_write_locked(session)
    cart = find_cart(session, cart_token)
    if cart is None:
        session.rollback()
        return 0
    holds, _, types = lock_cart_holds(session, cart)
    for hold in holds:
        seats.drop_hold(session, hold, types[hold.ticket_type_id])
    session.commit()
    return len(holds)


def renew_cart(session: Session, cart_token: str, *, now: datetime | None = None) -> list[int]:
    """Restart the countdown of every line that can still be held in full.

    Returns the ticket type ids that could not be renewed (taken by others, or
    no longer on sale); those lines are released.
    """
    begin_write_locked(session)
    cart = find_cart(session, cart_token)
    if cart is None:
        session.rollback()
        return []
    holds, events, types = lock_cart_holds(session, cart)
    now = now or utcnow()  # after the locks (see _set_hold_locked)
    seats.release_lapsed(session, types, now)
    lost: list[int] = []
    for hold in holds:
        ticket_type = types[hold.ticket_type_id]
        on_sale = sales_state(events[ticket_type.event_id], ticket_type, now) == SalesState.ON_SALE
        if on_sale and hold.quantity <= seats.free(ticket_type, hold).remaining:
            seats.hold(session, hold, ticket_type, hold.quantity, now + get_settings().hold_duration)
        else:
            lost.append(hold.ticket_type_id)
            seats.drop_hold(session, hold, ticket_type)
    session.commit()
    return lost


def merge_cart_into_user(session: Session, cart_token: str, user_id: int, *, now: datetime | None = None) -> str:
    """On sign-in: attach the anonymous cart to the user and fold in their other carts.

    When both carts hold the same ticket type, the anonymous cart's line wins
    (it is what the visitor chose last). Returns the token of the merged cart,
    which stays the visitor's cookie. Per-customer caps are enforced again when
    the order is placed.
    """
    begin_write_locked(session)
    existing = find_cart(session, cart_token)
    own_id = existing.id if existing is not None else None
    others = [o for o in session.exec(select(Cart).where(Cart.user_id == user_id)).all() if o.id != own_id]
    # Lines may be dropped: lock every type the carts hold first, before writing any cart row.
    ids = [o.id or 0 for o in others] + ([own_id] if own_id is not None else [])
    holds, _, types = lock_holds_of_carts(session, ids)
    cart = get_or_create_cart(session, cart_token, user_id)
    now = now or utcnow()
    own_types = {h.ticket_type_id for h in holds if h.cart_id == cart.id}
    for hold in holds:
        if hold.cart_id == cart.id:
            continue
        if hold.ticket_type_id in own_types:
            seats.drop_hold(session, hold, types[hold.ticket_type_id])
            continue
        hold.cart_id = cart.id or 0
        own_types.add(hold.ticket_type_id)
        session.add(hold)
    cart.user_id = user_id
    cart.updated_at = now
    session.add(cart)
    session.flush()
    session.exec(update(Hold).where(col(Hold.cart_id) == cart.id).values(user_id=user_id))
    session.commit()
    return cart.token


def merge_browser_cart_on_sign_in(session: Session, cart_token: str, user_id: int) -> str:
    """Sign-in of a browser holding the `cart` cookie: merge it into the account; returns the token to keep.

    A cart another account left in this browser (they signed out) is not taken over:
    the visitor gets a fresh cart that receives their own saved carts instead.
    """
    cart = find_cart(session, cart_token)
    if cart is not None and cart.user_id not in (None, user_id):
        cart_token = new_cart_token()
    return merge_cart_into_user(session, cart_token, user_id)


# Unpaid orders that ended: their seats were released, so a buyer may hold them again.
REBOOKABLE = (OrderStatus.FAILED, OrderStatus.EXPIRED, OrderStatus.CANCELLED)


class NotRebookableError(BookingError):
    """Only an unpaid order that ended can be put back in the cart."""


@dataclass
class Rebooked:
    held: int = 0  # tickets held again in the cart
    refused: list[BookingError] = field(default_factory=list)  # lines that could not be held, and why


def rebook_order(session: Session, cart_token: str, order_code: str, *, user_id: int | None = None) -> Rebooked:
    """Put the lines of a declined (or expired, cancelled) order back in the cart, as far as the seats,
    sales windows and limits allow now. Each line is set, not added, so pressing twice holds no more."""
    order = session.exec(select(Order).where(Order.code == order_code)).first()
    if order is None or order.status not in REBOOKABLE:
        session.rollback()
        raise NotRebookableError(msgid("This order cannot be booked again."))
    lines = session.exec(
        select(OrderItem.ticket_type_id, OrderItem.quantity).where(OrderItem.order_id == order.id)
    ).all()
    session.rollback()  # end the read: each line is its own locked write below
    result = Rebooked()
    for ticket_type_id, quantity in lines:
        try:
            set_hold_quantity(session, cart_token, ticket_type_id, quantity, user_id=user_id)
        except BookingError as refused:
            result.refused.append(refused)
        else:
            result.held += quantity
    return result
