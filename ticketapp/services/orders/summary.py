"""An order as the buyer sees it: lines, totals, status and how to pay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ticketapp.models import Event, Order, OrderItem, ReviewState, TicketType, Venue
from ticketapp.services.catalog.translations import event_title, type_name
from ticketapp.services.invoicing import numbering as invoice_numbering
from ticketapp.services.orders.authorisations import authorised_payment
from ticketapp.services.orders.payments import available_methods, get_order_by_code
from ticketapp.services.shared.money import Money
from ticketapp.settings import get_settings


@dataclass(frozen=True)
class OrderLine:
    event_title: str
    event_starts_at: datetime
    timezone: str
    venue_name: str
    ticket_type: str
    quantity: int
    unit_price: Money  # what one ticket cost the buyer, any promo discount taken off
    discount_minor: int = 0  # the promo discount per ticket
    tax_rate_bp: int = 0  # the VAT inside unit_price (services/invoicing/tax)
    reverse_charged: bool = False  # sold without VAT to an EU business (the buyer accounts for it)

    @property
    def subtotal(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def list_price(self) -> Money:
        return Money(self.unit_price.amount_minor + self.discount_minor, self.unit_price.currency)


@dataclass(frozen=True)
class InvoiceRef:
    code: str
    kind: str  # InvoiceKind: invoice or credit_note
    gross: Money


@dataclass(frozen=True)
class BankInstructions:
    account_holder: str
    iban: str
    bic: str
    reference: str


@dataclass(frozen=True)
class OrderSummary:
    code: str
    status: str
    buyer_name: str
    buyer_email: str
    total: Money
    refunded: Money
    payment_method: str | None
    expires_at: datetime | None
    lines: list[OrderLine]
    methods: list[str]
    # Held by the risk rules: the tickets follow once an admin has looked at it.
    in_review: bool = False
    # Its card payment is authorised, not taken: it is taken if the review approves the order.
    authorised: bool = False
    promo_code: str | None = None  # the code the order was placed with
    # The account that placed it (None: a guest's order, reached through its signed link).
    user_id: int | None = None
    invoices: tuple[InvoiceRef, ...] = ()  # its invoices and credit notes, oldest first

    @property
    def discount(self) -> Money:
        """What the promo code took off the whole order."""
        return Money(sum(line.discount_minor * line.quantity for line in self.lines), self.total.currency)

    @property
    def bank(self) -> BankInstructions:
        settings = get_settings()
        return BankInstructions(settings.bank_account_holder, settings.bank_iban, settings.bank_bic, self.code)


def summarize_order(session: Session, code: str, lang: str | None = None) -> OrderSummary | None:
    """The order with its lines; event titles and type names in `lang` (default: the order's language)."""
    order = get_order_by_code(session, code)
    if order is None:
        return None
    return _summary(session, order, lang)


def _summary(session: Session, order: Order, lang: str | None = None) -> OrderSummary:
    lang = lang or order.locale
    rows = session.exec(
        select(OrderItem, TicketType, Event, Venue)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(OrderItem.order_id == order.id)
        .order_by(col(OrderItem.id))
    ).all()
    company = invoice_numbering.buyer_of(session, order.id or 0)
    reverse = bool(company and company.reverse_charge)
    lines = [
        OrderLine(
            event_title=event_title(event, lang),
            event_starts_at=event.starts_at,
            timezone=venue.timezone,
            venue_name=venue.name,
            ticket_type=type_name(ticket_type, lang),
            quantity=item.quantity,
            unit_price=Money(item.unit_price_minor, order.currency),
            discount_minor=item.discount_minor,
            tax_rate_bp=0 if reverse and ticket_type.reverse_charge else ticket_type.tax_rate_bp,
            reverse_charged=reverse and ticket_type.reverse_charge and ticket_type.tax_rate_bp > 0,
        )
        for item, ticket_type, event, venue in rows
    ]
    return OrderSummary(
        code=order.code,
        status=order.status,
        buyer_name=order.buyer_name,
        buyer_email=order.buyer_email,
        total=Money(order.total_minor, order.currency),
        refunded=Money(order.refunded_minor, order.currency),
        payment_method=order.payment_method,
        expires_at=order.expires_at,
        lines=lines,
        methods=[str(m) for m in available_methods(order.total_minor)],
        in_review=order.review_state == ReviewState.HELD,
        authorised=order.review_state is not None and authorised_payment(session, order) is not None,
        promo_code=order.promo_code,
        user_id=order.user_id,
        invoices=tuple(
            InvoiceRef(i.code, i.kind, Money(i.gross_minor, i.currency))
            for i in invoice_numbering.order_invoices(session, order.id or 0)
        ),
    )
