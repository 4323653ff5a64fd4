"""A code's last uses go to as many buyers as it has uses left, however many race for them (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session

from tests.factories import make_event, token
from tests.integration.booking.test_inventory_concurrency import _engine_factory, _run_all
from ticketapp.models import User
from ticketapp.services.booking import checkout
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.promotions import admin as promo_admin
from ticketapp.services.promotions import cart as promo_cart
from ticketapp.services.promotions.codes import PromoError

BUYERS = 16
USES = 3


def test_racing_buyers_never_use_a_code_more_often_than_it_allows(session: Session, db_url: str, admin: User) -> None:
    # Different events, so the seats' locks do not line the buyers up: only the code's lock does.
    spec = promo_admin.parse_spec(session, {"code": "LAST", "kind": "percent_off", "value": "50", "max_uses": "4"})
    promo = promo_admin.create_code(session, admin.id or 0, spec)
    types = [make_event(session, title=f"Concert {n}")[1] for n in range(4)]
    carts = []
    for n in range(BUYERS + 1):
        cart = token()
        hold_service.set_hold_quantity(session, cart, types[n % 4].id, 1)
        promo_cart.apply_code(session, cart, "last")
        carts.append(cart)
    checkout.convert_cart_to_pending_order(session, carts.pop(), buyer_name="First", buyer_email="first@example.com")

    with _engine_factory(db_url) as engine_for_thread:

        def place(cart: str, n: int) -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                try:
                    checkout.convert_cart_to_pending_order(
                        own, cart, buyer_name=f"Buyer {n}", buyer_email=f"buyer{n}@example.com"
                    )
                except PromoError:
                    return "used up"
            return "ordered"

        outcomes = _run_all([lambda c=cart, n=n: place(c, n) for n, cart in enumerate(carts)])

    assert outcomes == Counter({"ordered": USES, "used up": BUYERS - USES})
    [row] = promo_admin.list_codes(session)
    assert (row.promo.id, row.uses) == (promo.id, USES + 1)
