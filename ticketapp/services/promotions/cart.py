"""The promo code a visitor applies to their cart (kept on the cart row until the order is placed)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ticketapp.db import begin_write_locked
from ticketapp.models import utcnow
from ticketapp.services.booking.cart import CartView, load_cart
from ticketapp.services.booking.inventory import find_cart, get_or_create_cart
from ticketapp.services.promotions import codes
from ticketapp.services.promotions.codes import PromoError


def apply_code(session: Session, cart_token: str, text: str, *, now: datetime | None = None) -> CartView:
    """Apply a code to the cart's tickets (commits); PromoError with the reason, and nothing changed, if it
    cannot take anything off them."""
    code = codes.normalize(text)
    if not code:
        raise PromoError(codes.UNKNOWN)
    begin_write_locked(session)
    cart = find_cart(session, cart_token)
    if cart is None:
        session.rollback()
        raise PromoError(codes.NOT_FOR_THESE)
    cart.promo_code = code
    session.add(cart)
    session.flush()
    view = load_cart(session, cart_token, now=now)
    if view.promo_problem is not None:
        session.rollback()
        raise view.promo_problem
    session.commit()
    return view


def remember_code(session: Session, cart_token: str, text: str, *, now: datetime | None = None) -> str:
    """A link with ?code=: keep a code that can be used now for the tickets the visitor picks next (commits).

    Returns the code kept; PromoError (nothing changed) if it is unknown, inactive or out of its dates.
    """
    return remember(session, cart_token, text, now=now)[0]


def remember(session: Session, cart_token: str, text: str, *, now: datetime | None = None) -> tuple[str, bool]:
    """`remember_code`, and whether the code unlocks hidden ticket types (the event page then reads them)."""
    promo = codes.find_code(session, text)
    if promo is None:
        raise PromoError(codes.UNKNOWN)
    codes.discounts(promo, [], now or utcnow(), uses_needed=0, only_dates=True)
    begin_write_locked(session)
    cart = get_or_create_cart(session, cart_token, None)
    cart.promo_code = promo.code
    session.add(cart)
    session.commit()
    return promo.code, bool(promo.unlocks_ticket_type_ids)


def unlocked_for_cart(session: Session, cart_token: str, *, now: datetime | None = None) -> frozenset[int]:
    """The hidden ticket types the cart's code shows now (none without a cart, a code or one that unlocks)."""
    if not cart_token:
        return frozenset()
    cart = find_cart(session, cart_token)
    return codes.unlocked_types(session, cart.promo_code if cart else None, now or utcnow())


def remove_code(session: Session, cart_token: str) -> None:
    begin_write_locked(session)
    cart = find_cart(session, cart_token)
    if cart is not None and cart.promo_code:
        cart.promo_code = None
        session.add(cart)
    session.commit()
