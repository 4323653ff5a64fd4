"""Rows → response models (reads only what the services handed over)."""

from __future__ import annotations

from ticketapp.api.v1 import schemas as s
from ticketapp.models import (
    Answer,
    Event,
    Invoice,
    InvoiceLine,
    PromoCode,
    Question,
    Refund,
    Ticket,
    TicketType,
    User,
    WaitlistEntry,
)
from ticketapp.services.api_access.resources import OrderView


def ticket_type(row: TicketType) -> s.TicketTypeOut:
    return s.TicketTypeOut(
        id=row.id or 0,
        event_id=row.event_id,
        name=row.name,
        description=row.description,
        price_minor=row.price_minor,
        capacity=row.capacity,
        sold=row.sold_count,
        held=row.held_count,
        available=max(0, row.capacity - row.sold_count - row.held_count),
        max_per_order=row.max_per_order,
        sales_start=row.sales_start,
        sales_end=row.sales_end,
    )


def event(row: Event, types: list[TicketType]) -> s.EventOut:
    return s.EventOut(
        id=row.id or 0,
        title=row.title,
        slug=row.slug,
        description=row.description,
        category=row.category,
        venue_id=row.venue_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        currency=row.currency,
        status=row.status,
        series_id=row.series_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        ticket_types=[ticket_type(t) for t in types],
    )


def ticket(row: Ticket, order_code: str) -> s.TicketOut:
    return s.TicketOut(
        id=row.id or 0,
        code=row.code,
        order_code=order_code,
        ticket_type_id=row.ticket_type_id,
        attendee_name=row.attendee_name,
        status=row.status,
        checked_in_at=row.checked_in_at,
        created_at=row.created_at,
    )


def checkin(row: Ticket, order_code: str) -> s.CheckinOut:
    assert row.checked_in_at is not None  # noqa: S101  (the query reads checked-in tickets only)
    return s.CheckinOut(
        ticket_id=row.id or 0,
        ticket_code=row.code,
        order_code=order_code,
        ticket_type_id=row.ticket_type_id,
        checked_in_at=row.checked_in_at,
        checked_in_by=row.checked_in_by,
    )


def order(view: OrderView) -> s.OrderOut:
    o = view.order
    return s.OrderOut(
        code=o.code,
        status=o.status,
        buyer_name=o.buyer_name,
        buyer_email=o.buyer_email,
        customer_id=o.user_id,
        currency=o.currency,
        total_minor=o.total_minor,
        refunded_minor=o.refunded_minor,
        promo_code=o.promo_code,
        created_at=o.created_at,
        updated_at=o.updated_at,
        paid_at=o.paid_at,
        expires_at=o.expires_at,
        items=[
            s.OrderItemOut(
                ticket_type_id=i.ticket_type_id,
                quantity=i.quantity,
                unit_price_minor=i.unit_price_minor,
                discount_minor=i.discount_minor,
            )
            for i in view.items
        ],
        tickets=[ticket(t, o.code) for t in view.tickets],
    )


def customer(row: User) -> s.CustomerOut:
    return s.CustomerOut(
        id=row.id or 0,
        email=row.email,
        name=row.display_name,
        locale=row.locale,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def promo_code(row: PromoCode) -> s.PromoCodeOut:
    return s.PromoCodeOut(
        id=row.id or 0,
        code=row.code,
        event_id=row.event_id,
        kind=row.kind,
        value=row.value,
        ticket_type_ids=row.ticket_type_ids,
        max_uses=row.max_uses,
        max_uses_per_buyer=row.max_uses_per_buyer,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        min_quantity=row.min_quantity,
        active=row.active,
        updated_at=row.updated_at,
    )


def waitlist_entry(row: WaitlistEntry, order_code: str | None) -> s.WaitlistEntryOut:
    return s.WaitlistEntryOut(
        id=row.id or 0,
        ticket_type_id=row.ticket_type_id,
        email=row.email,
        quantity=row.quantity,
        status=row.status,
        created_at=row.created_at,
        offered_at=row.offered_at,
        expires_at=row.expires_at,
        order_code=order_code,
    )


def question(row: Question) -> s.QuestionOut:
    return s.QuestionOut(
        id=row.id or 0,
        event_id=row.event_id,
        label=row.label,
        help_text=row.help_text,
        kind=row.kind,
        scope=row.scope,
        required=row.required,
        options=row.options,
        ticket_type_ids=row.ticket_type_ids,
        active=row.active,
        updated_at=row.updated_at,
    )


def answer(row: Answer, order_code: str) -> s.AnswerOut:
    return s.AnswerOut(
        id=row.id or 0,
        order_code=order_code,
        question_id=row.question_id,
        ticket_type_id=row.ticket_type_id,
        attendee=row.attendee,
        value=row.value,
        updated_at=row.updated_at,
    )


def invoice(row: Invoice, order_code: str, lines: list[InvoiceLine]) -> s.InvoiceOut:
    return s.InvoiceOut(
        id=row.id or 0,
        code=row.code,
        kind=row.kind,
        order_code=order_code,
        currency=row.currency,
        net_minor=row.net_minor,
        tax_minor=row.tax_minor,
        gross_minor=row.gross_minor,
        issued_at=row.issued_at,
        lines=[
            s.InvoiceLineOut(
                description=line.description,
                quantity=line.quantity,
                rate_bp=line.rate_bp,
                net_minor=line.net_minor,
                tax_minor=line.tax_minor,
                gross_minor=line.gross_minor,
            )
            for line in lines
        ],
    )


def refund(row: Refund, order_code: str) -> s.RefundOut:
    return s.RefundOut(
        id=row.id or 0,
        order_code=order_code,
        amount_minor=row.amount_minor,
        currency=row.currency,
        reason=row.reason,
        created_at=row.created_at,
    )
