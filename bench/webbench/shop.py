"""The shop as the bench buys from it: the bench event, the pages and handlers a buyer uses, seats read back.

Handler and state names come from the state classes themselves (`get_full_name()`, `event_handlers`), so a renamed
state still works and a renamed handler fails at start with its name instead of timing out mid-purchase.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import reflex as rx
from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.db import make_engine
from ticketapp.models import Event, EventStatus, Order, OrderItem, OrderStatus, TicketType, utcnow
from ticketapp.services.booking.inventory import counts_as_sold
from ticketapp.services.orders.payments import PaymentMethod
from ticketapp.state.account.auth import AuthState
from ticketapp.state.header import HeaderState
from ticketapp.state.shop.cart import CartState
from ticketapp.state.shop.catalog import EventPageState
from ticketapp.state.shop.checkout import CheckoutState
from ticketapp.state.shop.payment import DemoPaymentState, OrderPaymentState
from webbench.event import BenchEvent
from webbench.tab import StepError, Tab

STEP_TIMEOUT_S = 60.0
DEMO_PAYMENT_ROUTE = "/pay/demo/[code]"
ORDER_STATUS_ROUTE = "/orders/[code]/status"


def handler(state: type[rx.State], name: str) -> str:
    if name not in state.event_handlers:
        raise RuntimeError(f"{state.__name__} has no event handler {name!r}: update bench/webbench/shop.py")
    return f"{state.get_full_name()}.{name}"


def call(state: type[rx.State], name: str, *args: Any) -> tuple[str, dict[str, Any]]:
    """The event a page sends for `State.name(*args)`: positional arguments keyed by the handler's parameters."""
    full_name = handler(state, name)
    parameters = [p for p in inspect.signature(state.event_handlers[name].fn).parameters if p != "self"]
    return full_name, dict(zip(parameters, args, strict=False))


# Every shop page is framed by components/layout.py, whose header mounts with these two events.
LAYOUT_ON_MOUNT = [handler(HeaderState, "mount")]
AUTH = AuthState.get_full_name()
# Set by the header's mount (AuthState.refresh): seen, the page's on_mount events ran (skipped if renamed).
MOUNT_SIGNAL = "connected" if "connected" in AuthState.base_vars else ""
CART = CartState.get_full_name()
EVENT_PAGE = EventPageState.get_full_name()
CHECKOUT = CheckoutState.get_full_name()
DEMO_PAYMENT = DemoPaymentState.get_full_name()
ORDER_PAYMENT = OrderPaymentState.get_full_name()


def retire_bench_event(database_url: str, event: BenchEvent) -> None:
    """Back to draft once measured: it leaves the public listing of a developer's app; its orders stay."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            row = session.exec(select(Event).where(Event.slug == event.slug)).one()
            row.status = EventStatus.DRAFT
            session.add(row)
            session.commit()
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Seats:
    sold: int  # seats of paid orders and of pending ones still in their payment window
    paid_orders: int
    capacity: int

    @property
    def oversold(self) -> int:
        return max(self.sold - self.capacity, 0)


def read_seats(database_url: str, event: BenchEvent) -> Seats:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            sold = session.exec(
                select(func.coalesce(func.sum(OrderItem.quantity), 0))
                .join(Order, col(Order.id) == OrderItem.order_id)
                .where(OrderItem.ticket_type_id == event.ticket_type_id, counts_as_sold(utcnow()))
            ).one()
            paid = session.exec(
                select(func.count(func.distinct(Order.id)))
                .join(OrderItem, col(OrderItem.order_id) == Order.id)
                .where(OrderItem.ticket_type_id == event.ticket_type_id, Order.status == OrderStatus.PAID)
            ).one()
            capacity = session.exec(select(TicketType.capacity).where(TicketType.id == event.ticket_type_id)).one()
    finally:
        engine.dispose()
    return Seats(int(sold), int(paid), int(capacity))


# -- what a buyer does, page by page -----------------------------------------------------------------------------


def _event_page_ready(event: BenchEvent) -> Callable[[Tab], bool]:
    type_id = str(event.ticket_type_id)

    def ready(tab: Tab) -> bool:
        if not (tab.hydrated and tab.get(EVENT_PAGE, "loaded")):
            return False
        if MOUNT_SIGNAL and not tab.get(AUTH, MOUNT_SIGNAL):
            return False
        if not tab.get(EVENT_PAGE, "found"):
            raise StepError(f"event page: /events/{event.slug} not found")
        offered = {t["id"]: t for t in tab.get(EVENT_PAGE, "ticket_types", [])}
        if not offered.get(type_id, {}).get("can_buy"):
            raise StepError(f"event page: ticket type {type_id} not on sale ({offered.get(type_id)})")
        if event.code:  # the link's code: kept for the cart once the page says so
            feedback = tab.get(EVENT_PAGE, "feedback", "")
            if feedback and tab.get(EVENT_PAGE, "feedback_is_error"):
                raise StepError(f"event page: promo code refused ({feedback})")
            return event.code in feedback
        return True

    return ready


def open_event_page(tab: Tab, event: BenchEvent, *, first_load: bool = True) -> None:
    """Connect, hydrate and run the page's on_load and on_mount events until the ticket picker shows."""
    try:
        url = f"/events/{event.slug}" + (f"?code={event.code}" if event.code else "")
        tab.open(url, {"slug": event.slug}, LAYOUT_ON_MOUNT, first_load=first_load)
    except Exception as exc:  # socketio raises several kinds: each is one failed page view
        raise StepError(f"event page: connect failed ({type(exc).__name__}: {exc})") from exc
    tab.wait_for(_event_page_ready(event), STEP_TIMEOUT_S, "event page")


def choose_quantity(tab: Tab, event: BenchEvent, quantity: int) -> None:
    type_id = str(event.ticket_type_id)
    tab.send(*call(EventPageState, "set_quantity", type_id, str(quantity)))
    tab.wait_for(lambda t: t.get(EVENT_PAGE, "quantities", {}).get(type_id) == str(quantity), STEP_TIMEOUT_S, "choose")


def add_to_cart(tab: Tab, event: BenchEvent, quantity: int) -> None:
    def added(t: Tab) -> bool:
        feedback = t.get(EVENT_PAGE, "feedback", "")
        if feedback and t.get(EVENT_PAGE, "feedback_is_error"):
            raise StepError(f"add to cart: {feedback}")
        return bool(feedback) and t.get(CART, "item_count") == quantity

    tab.send(*call(EventPageState, "add_to_cart", str(event.ticket_type_id)))
    tab.wait_for(added, STEP_TIMEOUT_S, "add to cart")


def go_to_checkout(tab: Tab) -> None:
    def ready(t: Tab) -> bool:
        if not (t.hydrated and t.get(CHECKOUT, "loaded")):
            return False
        if not t.get(CHECKOUT, "lines"):
            raise StepError("checkout: the cart is empty")
        if PaymentMethod.DEMO not in {m["value"] for m in t.get(CHECKOUT, "methods", [])}:
            raise StepError(f"checkout: no demo payment offered ({t.get(CHECKOUT, 'methods')}); is Stripe configured?")
        return True

    tab.navigate("/checkout", {}, LAYOUT_ON_MOUNT)
    tab.wait_for(ready, STEP_TIMEOUT_S, "checkout")


def fill_details(tab: Tab) -> None:
    """The terms box and the demo method (name and e-mail are typed in the browser and sent with the form)."""
    for event in (
        call(CheckoutState, "set_accept_terms", True),
        call(CheckoutState, "set_payment_method", PaymentMethod.DEMO.value),
    ):
        tab.send(*event)
    tab.wait_for(
        lambda t: t.get(CHECKOUT, "accept_terms") is True and t.get(CHECKOUT, "payment_method") == PaymentMethod.DEMO,
        STEP_TIMEOUT_S,
        "details",
    )


def _redirected(state_name: str, what: str) -> Callable[[Tab], bool]:
    def done(t: Tab) -> bool:
        if error := t.get(state_name, "error"):
            raise StepError(f"{what}: {error}")
        return bool(t.redirects)

    return done


def _follow_redirect(tab: Tab, what: str, route: str) -> tuple[str, str]:
    """The `_redirect` target as (path with query, the route's `[code]` segment); it must be `route` on this site."""
    target = tab.take_redirect() or ""
    parts = urlsplit(target)
    segments = [s for s in parts.path.split("/") if s]
    pattern = [s for s in route.split("/") if s]
    matches = len(segments) == len(pattern) and all(
        p == s or p == "[code]" for p, s in zip(pattern, segments, strict=True)
    )
    if (parts.netloc and parts.netloc != tab.site.host) or not matches:
        raise StepError(f"{what}: redirected to {target}, not to {route} on {tab.site.url} (check BASE_URL)")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path, segments[pattern.index("[code]")]


def place_order(tab: Tab, name: str, email: str) -> tuple[str, str]:
    form = {"buyer-name": name, "buyer-email": email, "accept-terms": "on", "payment-method": PaymentMethod.DEMO.value}
    tab.send(*call(CheckoutState, "place_order", form))
    tab.wait_for(_redirected(CHECKOUT, "place order"), STEP_TIMEOUT_S, "place order")
    return _follow_redirect(tab, "place order", DEMO_PAYMENT_ROUTE)


def open_demo_payment(tab: Tab, path: str, code: str) -> None:
    def ready(t: Tab) -> bool:
        if not (t.hydrated and t.get(DEMO_PAYMENT, "loaded")):
            return False
        if not t.get(DEMO_PAYMENT, "found"):
            raise StepError(f"demo payment page: order {code} not payable there")
        return True

    tab.navigate(path, {"code": code}, LAYOUT_ON_MOUNT)
    tab.wait_for(ready, STEP_TIMEOUT_S, "demo page")


def pay(tab: Tab) -> tuple[str, str]:
    tab.send(*call(DemoPaymentState, "approve"))
    tab.wait_for(_redirected(DEMO_PAYMENT, "pay"), STEP_TIMEOUT_S, "pay")
    return _follow_redirect(tab, "pay", ORDER_STATUS_ROUTE)


def open_order_page(tab: Tab, path: str, code: str) -> None:
    def paid(t: Tab) -> bool:
        if not (t.hydrated and t.get(ORDER_PAYMENT, "loaded")):
            return False
        if not t.get(ORDER_PAYMENT, "found"):
            raise StepError(f"order page: order {code} not found")
        status = t.get(ORDER_PAYMENT, "status")
        if status not in (OrderStatus.PENDING, OrderStatus.PAID):
            raise StepError(f"order page: order {code} is {status}")
        return status == OrderStatus.PAID  # pending: the page watches until the payment lands

    tab.navigate(path, {"code": code}, LAYOUT_ON_MOUNT)
    tab.wait_for(paid, STEP_TIMEOUT_S, "order page")
