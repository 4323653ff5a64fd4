"""Reading a cart for display: its lines, prices, totals per currency and hold deadline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.models import Cart, Event, Hold, TicketType, Venue, utcnow
from ticketapp.services.booking.inventory import availability, find_cart, is_valid_cart_token, sales_state
from ticketapp.services.catalog.translations import event_title, type_name
from ticketapp.services.invoicing.tax import NO_TAX, TaxRule, charged_unit
from ticketapp.services.promotions import codes as promo_codes
from ticketapp.services.shared.money import Money

LOW_STOCK_THRESHOLD = 20  # below this, pages say "12 left"


@dataclass(frozen=True)
class CartLine:
    ticket_type_id: int
    ticket_type_name: str
    event_title: str
    event_slug: str
    event_starts_at: datetime
    timezone: str
    venue_name: str
    unit_price: Money
    quantity: int
    expires_at: datetime
    expired: bool
    max_quantity: int  # what the visitor may choose for this line right now
    collect_attendee_names: bool
    discount: Money | None = None  # the promo code's discount per ticket, when it applies to this line
    tax: TaxRule = NO_TAX  # added tax is charged on top (services/invoicing/tax)

    @property
    def price_to_pay(self) -> Money:
        """One ticket's price, the discount taken off and any added tax put on (as checkout charges it)."""
        off = self.discount.amount_minor if self.discount is not None else 0
        return Money(charged_unit(self.unit_price.amount_minor - off, self.tax), self.unit_price.currency)

    @property
    def subtotal(self) -> Money:
        return self.price_to_pay * self.quantity


@dataclass(frozen=True)
class CartView:
    lines: list[CartLine] = field(default_factory=list)
    promo_code: str = ""  # the code the visitor applied, "" for none
    promo_problem: promo_codes.PromoError | None = None  # why it takes nothing off right now

    @property
    def live_lines(self) -> list[CartLine]:
        return [line for line in self.lines if not line.expired]

    @property
    def expired_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.expired]

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.live_lines)

    @property
    def deadline(self) -> datetime | None:
        """When the first live hold lapses (the countdown shown to the visitor)."""
        return min((line.expires_at for line in self.live_lines), default=None)

    def totals(self, *, include_expired: bool = False) -> list[Money]:
        """One total per currency, in a stable order (mixed carts become one order per currency).

        Checkout includes lapsed lines: placing the order re-takes them when the
        seats are still free (or refuses the whole order), so they are billed too.
        """
        sums: dict[str, int] = defaultdict(int)
        for line in self.lines if include_expired else self.live_lines:
            sums[line.unit_price.currency] += line.subtotal.amount_minor
        return [Money(amount, currency) for currency, amount in sorted(sums.items())]

    def discounts(self, *, include_expired: bool = False) -> list[Money]:
        """The promo discount per currency (only currencies where it takes something off)."""
        sums: dict[str, int] = defaultdict(int)
        for line in self.lines if include_expired else self.live_lines:
            if line.discount is not None and line.discount.amount_minor:
                sums[line.unit_price.currency] += line.discount.amount_minor * line.quantity
        return [Money(amount, currency) for currency, amount in sorted(sums.items())]


def load_cart(session: Session, cart_token: str, *, now: datetime | None = None, lang: str = "en") -> CartView:
    """The cart's lines (titles and type names in `lang`, else the event's main language)."""
    now = now or utcnow()
    cart = find_cart(session, cart_token)
    if cart is None:
        return CartView()
    rows = session.exec(
        select(Hold, TicketType, Event, Venue)
        .join(TicketType, col(TicketType.id) == Hold.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(Hold.cart_id == cart.id)
        .order_by(col(Event.starts_at), col(TicketType.position), col(TicketType.id))
    ).all()
    free = availability(session, [tt.id or 0 for _, tt, _, _ in rows], now=now, exclude_cart_id=cart.id)
    lines = []
    for hold, ticket_type, event, venue in rows:
        remaining = free[ticket_type.id or 0].remaining
        on_sale = sales_state(event, ticket_type, now).value == "on_sale"
        lines.append(
            CartLine(
                ticket_type_id=ticket_type.id or 0,
                ticket_type_name=type_name(ticket_type, lang),
                event_title=event_title(event, lang),
                event_slug=event.slug,
                event_starts_at=event.starts_at,
                timezone=venue.timezone,
                venue_name=venue.name,
                unit_price=Money(ticket_type.price_minor, event.currency),
                quantity=hold.quantity,
                expires_at=hold.expires_at,
                expired=hold.expires_at <= now,
                max_quantity=min(ticket_type.max_per_order, remaining) if on_sale else 0,
                collect_attendee_names=event.collect_attendee_names,
                tax=TaxRule(ticket_type.tax_rate_bp, ticket_type.tax_included),
            )
        )
    if not cart.promo_code:
        return CartView(lines=lines)  # no code: no more queries
    priced = [(line, event.id or 0) for line, (_, _, event, _) in zip(lines, rows, strict=True)]
    return _with_promo(session, cart.promo_code, priced, now)


def _with_promo(session: Session, code: str, priced: list[tuple[CartLine, int]], now: datetime) -> CartView:
    """The lines with the code's discount on those it applies to, or the reason it applies to none."""
    lines = [line for line, _ in priced]
    promo_lines = [
        promo_codes.PricedLine(line.ticket_type_id, event_id, line.unit_price.amount_minor, line.quantity)
        for line, event_id in priced
    ]
    try:
        _, off = promo_codes.check_for_cart(session, code, promo_lines, now)
    except promo_codes.PromoError as problem:
        return CartView(lines=lines, promo_code=code, promo_problem=problem)
    discounted = [
        replace(line, discount=Money(off[line.ticket_type_id], line.unit_price.currency))
        if line.ticket_type_id in off
        else line
        for line in lines
    ]
    return CartView(lines=discounted, promo_code=code)


def cart_item_count(session: Session, cart_token: str, *, now: datetime | None = None) -> int:
    """Tickets currently held by the cart (for the header badge): one query, as every page's header asks."""
    if not is_valid_cart_token(cart_token):
        return 0
    held = session.exec(
        select(func.coalesce(func.sum(Hold.quantity), 0))
        .join(Cart, col(Cart.id) == Hold.cart_id)
        .where(Cart.token == cart_token, Hold.expires_at > (now or utcnow()))
    ).one()
    return int(held)


@dataclass(frozen=True)
class TicketOffer:
    """What the event page shows for one ticket type."""

    ticket_type_id: int
    state: str  # a SalesState value
    remaining: int
    max_quantity: int  # bounded by availability and max-per-order; 0 when it cannot be bought

    @property
    def sold_out(self) -> bool:
        return self.state == "on_sale" and self.remaining == 0

    @property
    def low_stock(self) -> bool:
        return 0 < self.remaining < LOW_STOCK_THRESHOLD


def ticket_offers(session: Session, event_id: int, *, now: datetime | None = None) -> dict[int, TicketOffer]:
    now = now or utcnow()
    event = session.get(Event, event_id)
    if event is None:
        return {}
    types = session.exec(select(TicketType).where(TicketType.event_id == event_id)).all()
    free = availability(session, [t.id or 0 for t in types], now=now)
    offers = {}
    for ticket_type in types:
        state = sales_state(event, ticket_type, now).value
        remaining = free[ticket_type.id or 0].remaining
        can_buy = state == "on_sale"
        offers[ticket_type.id or 0] = TicketOffer(
            ticket_type_id=ticket_type.id or 0,
            state=state,
            remaining=remaining,
            max_quantity=min(remaining, ticket_type.max_per_order) if can_buy else 0,
        )
    return offers
