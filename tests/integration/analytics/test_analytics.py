"""Every dashboard aggregate against a small hand-computed fixture (both databases).

Fixture (EUR unless said), period 2026-03-01 → 2026-03-15 (previous: 02-15 → 03-01):
  Rock (concert): Standard 20.00 cap 100, VIP 50.00 cap 20   Play (theatre): Standard 30.00 cap 50
  Tokyo (concert, JPY): Standard ¥4000 cap 10
  O1 Rock 2×Standard + 1×VIP = 90.00, paid Mon 03-02 10:15, stripe, ada@example.com
  O2 Play 1×Standard = 30.00, paid Wed 03-04 18:30, bank transfer, bob@example.com, refunded 30.00 on 03-05
  O3 Rock 1×Standard = 20.00, paid Tue 03-10 10:45, stripe, ada@example.com (same customer)
  O4 Tokyo 3×Standard = ¥12000, paid 03-03 (other currency)
  O5 Rock 1×VIP pending, not paid (not a sale; holds a seat)
  O6 Rock 1×Standard = 20.00, paid 02-20 (previous period)
Funnel visits: views by s1 (on two days), s2, s3 on Rock and s4 on Play; carts s1, s2 (Rock);
checkout s1 (Rock); one view (s9) before the period.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from ticketapp.models import (
    DiscountKind,
    Event,
    EventStatus,
    Order,
    OrderItem,
    OrderStatus,
    PageEvent,
    PageEventKind,
    PromoCode,
    PromoRedemption,
    Refund,
    TicketType,
    Venue,
)
from ticketapp.services.analytics import dashboard as analytics
from ticketapp.services.analytics import filters as analytics_filters
from ticketapp.services.analytics import funnel as analytics_funnel
from ticketapp.services.analytics.filters import Filters, Granularity


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


START, END = at(3, 1, 0), at(3, 15, 0)
EUR = Filters(start=START, end=END, currency="EUR")


def _event(session: Session, venue: Venue, title: str, category: str, currency: str) -> Event:
    event = Event(
        title=title,
        slug=title.lower(),
        category=category,
        venue_id=venue.id or 0,
        starts_at=at(6, 1, 20),
        ends_at=at(6, 1, 23),
        currency=currency,
        status=EventStatus.PUBLISHED,
    )
    session.add(event)
    session.flush()
    return event


def _type(session: Session, event: Event, name: str, price: int, capacity: int) -> TicketType:
    ticket_type = TicketType(event_id=event.id or 0, name=name, price_minor=price, capacity=capacity)
    session.add(ticket_type)
    session.flush()
    return ticket_type


def _order(
    session: Session,
    code: str,
    lines: list[tuple[TicketType, int]],
    *,
    paid_at: datetime | None,
    email: str = "ada@example.com",
    currency: str = "EUR",
    method: str | None = "stripe",
    status: OrderStatus = OrderStatus.PAID,
    **extra: Any,
) -> Order:
    order = Order(
        code=code,
        buyer_name=email.split("@")[0].title(),
        buyer_email=email,
        status=status,
        currency=currency,
        total_minor=sum(t.price_minor * q for t, q in lines),
        paid_at=paid_at,
        payment_method=method,
        created_at=paid_at or at(3, 1),
        **extra,
    )
    session.add(order)
    session.flush()
    for ticket_type, quantity in lines:
        session.add(
            OrderItem(
                order_id=order.id or 0,
                ticket_type_id=ticket_type.id or 0,
                quantity=quantity,
                unit_price_minor=ticket_type.price_minor,
            )
        )
    return order


@pytest.fixture
def shop(session: Session) -> dict[str, Event]:
    venue = Venue(name="Hall", address="1 rue", city="Paris", country="FR", timezone="Europe/Paris")
    session.add(venue)
    session.flush()
    rock = _event(session, venue, "Rock", "concert", "EUR")
    play = _event(session, venue, "Play", "theatre", "EUR")
    tokyo = _event(session, venue, "Tokyo", "concert", "JPY")
    rock_std, rock_vip = _type(session, rock, "Standard", 2000, 100), _type(session, rock, "VIP", 5000, 20)
    play_std = _type(session, play, "Standard", 3000, 50)
    tokyo_std = _type(session, tokyo, "Standard", 4000, 10)
    _order(session, "O1", [(rock_std, 2), (rock_vip, 1)], paid_at=at(3, 2, 10, 15))
    o2 = _order(
        session,
        "O2",
        [(play_std, 1)],
        paid_at=at(3, 4, 18, 30),
        email="bob@example.com",
        method="bank_transfer",
        status=OrderStatus.REFUNDED,
        refunded_minor=3000,
    )
    session.add(Refund(order_id=o2.id or 0, amount_minor=3000, currency="EUR", created_at=at(3, 5, 9)))
    _order(session, "O3", [(rock_std, 1)], paid_at=at(3, 10, 10, 45), email="ada@example.com")
    _order(session, "O4", [(tokyo_std, 3)], paid_at=at(3, 3), currency="JPY", email="kenji@example.com")
    _order(session, "O5", [(rock_vip, 1)], paid_at=None, status=OrderStatus.PENDING, method=None, expires_at=at(12, 31))
    _order(session, "O6", [(rock_std, 1)], paid_at=at(2, 20))
    steps = [
        ("view", "s1", rock, at(3, 2)),
        ("view", "s1", rock, at(3, 3, 13)),
        ("view", "s2", rock, at(3, 3)),
        ("view", "s3", rock, at(3, 3)),
        ("view", "s4", play, at(3, 4)),
        ("view", "s9", rock, at(2, 27)),
        ("cart", "s1", rock, at(3, 2)),
        ("cart", "s2", rock, at(3, 3)),
        ("checkout", "s1", rock, at(3, 2)),
    ]
    for kind, who, event, moment in steps:
        session.add(
            PageEvent(kind=kind, event_id=event.id or 0, session_hash=who, day=moment.date().isoformat(), at=moment)
        )
    session.commit()
    return {"rock": rock, "play": play, "tokyo": tokyo}


def test_totals_and_kpis_with_previous_period(session: Session, shop: dict[str, Event]) -> None:
    totals = analytics.totals(session, EUR)
    assert (totals.revenue_minor, totals.orders, totals.tickets, totals.refunded_minor) == (14000, 3, 5, 3000)
    assert totals.average_order_minor == 4667
    assert totals.conversion_rate == pytest.approx(3 / 5)
    assert totals.refund_rate == pytest.approx(3000 / 14000)
    kpis = {k.key: k for k in analytics.kpis(session, EUR)}
    assert (kpis["revenue"].value, kpis["revenue"].previous) == (14000, 2000)
    assert kpis["revenue"].change == pytest.approx(6.0)
    assert (kpis["orders"].value, kpis["orders"].previous) == (3, 1)
    assert (kpis["tickets"].value, kpis["tickets"].previous) == (5, 1)
    assert (kpis["average_order"].value, kpis["average_order"].previous) == (4667, 2000)
    assert kpis["conversion_rate"].previous == 1.0  # s9's view on 02-27 and O6
    assert kpis["conversion_rate"].change == pytest.approx(-0.4)
    assert kpis["refund_rate"].value == pytest.approx(3000 / 14000)


def test_other_currency_is_reported_on_its_own(session: Session, shop: dict[str, Event]) -> None:
    jpy = Filters(start=START, end=END, currency="JPY")
    totals = analytics.totals(session, jpy)
    assert (totals.revenue_minor, totals.orders, totals.tickets, totals.refunded_minor) == (12000, 1, 3, 0)
    assert analytics.revenue_by_event(session, jpy) == [(shop["tokyo"].id, "Tokyo", 12000, 3)]
    assert analytics_filters.currencies(session) == ["EUR", "JPY"]


def test_sales_over_time_by_day_week_month(session: Session, shop: dict[str, Event]) -> None:
    assert analytics.sales_over_time(session, EUR, Granularity.DAY) == [
        ("2026-03-02", 9000, 3),
        ("2026-03-04", 3000, 1),
        ("2026-03-10", 2000, 1),
    ]
    assert analytics.sales_over_time(session, EUR, Granularity.WEEK) == [
        ("2026-03-02", 12000, 4),
        ("2026-03-09", 2000, 1),
    ]
    assert analytics.sales_over_time(session, EUR, Granularity.MONTH) == [("2026-03-01", 14000, 5)]


def test_refunds_over_time(session: Session, shop: dict[str, Event]) -> None:
    assert analytics.refunds_over_time(session, EUR, Granularity.DAY) == [("2026-03-05", 3000, 1)]
    only_rock = Filters(start=START, end=END, currency="EUR", event_ids=(shop["rock"].id or 0,))
    assert analytics.refunds_over_time(session, only_rock, Granularity.DAY) == []


def test_breakdowns(session: Session, shop: dict[str, Event]) -> None:
    rock, play = shop["rock"].id, shop["play"].id
    assert analytics.revenue_by_event(session, EUR) == [(rock, "Rock", 11000, 4), (play, "Play", 3000, 1)]
    assert analytics.revenue_by_category(session, EUR) == [("concert", 11000, 4), ("theatre", 3000, 1)]
    assert analytics.ticket_type_mix(session, EUR) == [("Standard", 4, 9000), ("VIP", 1, 5000)]
    assert analytics.payment_methods(session, EUR) == [("stripe", 2, 11000), ("bank_transfer", 1, 3000)]
    assert analytics.top_customers(session, EUR) == [
        ("ada@example.com", "Ada", 2, 11000),
        ("bob@example.com", "Bob", 1, 3000),
    ]


def test_heatmap_weekday_monday_first_and_hour(session: Session, shop: dict[str, Event]) -> None:
    assert analytics.sales_heatmap(session, EUR) == [(0, 10, 1), (1, 10, 1), (2, 18, 1)]


def test_sell_through_counts_paid_and_open_pending_seats(session: Session, shop: dict[str, Event]) -> None:
    rows = analytics.sell_through(session, EUR, now=at(3, 1))
    # Rock: O1 3 + O3 1 + O6 1 + pending O5 1 = 6 of 120; Play: the refunded order frees its seat.
    assert [(r.title, r.sold, r.capacity) for r in rows] == [("Rock", 6, 120), ("Play", 0, 50)]
    assert rows[0].ratio == pytest.approx(0.05)


def test_funnel_and_event_and_category_filters(session: Session, shop: dict[str, Event]) -> None:
    assert analytics.funnel(session, EUR) == analytics.Funnel(views=5, carts=2, checkouts=1, paid=3)
    only_rock = Filters(start=START, end=END, currency="EUR", event_ids=(shop["rock"].id or 0,))
    assert analytics.funnel(session, only_rock) == analytics.Funnel(views=4, carts=2, checkouts=1, paid=2)
    totals = analytics.totals(session, only_rock)
    assert (totals.revenue_minor, totals.orders, totals.refunded_minor) == (11000, 2, 0)
    theatre = Filters(start=START, end=END, currency="EUR", category="theatre")
    totals = analytics.totals(session, theatre)
    assert (totals.revenue_minor, totals.orders, totals.refunded_minor, totals.visitors) == (3000, 1, 3000, 1)
    assert analytics.sales_heatmap(session, theatre) == [(2, 18, 1)]


def test_whole_dashboard_and_empty_period(session: Session, shop: dict[str, Event]) -> None:
    board = analytics.dashboard(session, EUR, Granularity.WEEK)
    assert board.sales == [("2026-03-02", 12000, 4), ("2026-03-09", 2000, 1)]
    assert analytics.dashboard_concurrently(session.get_bind(), EUR, Granularity.WEEK) == board
    # The dashboard derives KPIs and breakdowns from fewer queries: same figures as the single aggregates.
    assert board.kpis == analytics.kpis(session, EUR)
    assert board.by_event == analytics.revenue_by_event(session, EUR)
    assert board.by_category == analytics.revenue_by_category(session, EUR)
    assert board.ticket_mix == analytics.ticket_type_mix(session, EUR)
    rock = Filters(start=START, end=END, currency="EUR", event_ids=(shop["rock"].id or 0,))
    assert analytics.dashboard(session, rock, Granularity.DAY).kpis == analytics.kpis(session, rock)
    empty = analytics.dashboard(session, Filters(start=at(1, 1), end=at(1, 2), currency="EUR"), Granularity.DAY)
    assert empty.sales == [] and empty.by_event == [] and empty.funnel.paid == 0
    assert all(k.value == 0 for k in empty.kpis)


def test_record_page_event_is_one_anonymous_insert(session: Session, shop: dict[str, Event]) -> None:
    key = analytics_funnel.session_hash("client-token-123", "secret")
    assert len(key) == 32 and "client" not in key
    ids = [shop["rock"].id or 0, shop["play"].id or 0, shop["rock"].id or 0]
    analytics_funnel.record_page_event(session, PageEventKind.CHECKOUT, key, ids)
    analytics_funnel.record_page_event(session, PageEventKind.CHECKOUT, key, ids)  # same visit again: ignored
    later = Filters(start=at(3, 1), end=datetime(2100, 1, 1, tzinfo=UTC), currency="EUR")
    assert analytics.funnel(session, later).checkouts == 3  # s1 (fixture) and this visitor on two events


def test_preset_range() -> None:
    start, end = analytics_filters.preset_range("7d", today=at(3, 10, 15))
    assert (start, end) == (at(3, 4, 0), at(3, 11, 0))


def test_cart_and_checkout_steps_resolve_events_from_ticket_types(session: Session, shop: dict[str, Event]) -> None:
    rock_types = session.exec(select(TicketType.id).where(TicketType.event_id == shop["rock"].id)).all()
    play_type = session.exec(select(TicketType.id).where(TicketType.event_id == shop["play"].id)).one()
    analytics_funnel.record_cart_add(session, "visitor", rock_types[0])
    analytics_funnel.record_checkout_started(session, "visitor", [*rock_types, play_type])
    analytics_funnel.record_checkout_started(session, "visitor", [])  # empty cart: nothing recorded
    rows = session.exec(select(PageEvent.kind, PageEvent.event_id).where(PageEvent.session_hash == "visitor")).all()
    assert sorted(rows) == sorted(
        [("cart", shop["rock"].id), ("checkout", shop["rock"].id), ("checkout", shop["play"].id)]
    )


def test_the_code_filter_keeps_the_orders_placed_with_that_code(session: Session, shop: dict[str, Event]) -> None:
    """O2 (refunded) and O3 used SPRING; O1 used another code: revenue, orders, refunds and breakdowns follow."""
    spring = PromoCode(code="SPRING", kind=DiscountKind.PERCENT_OFF, value=10)
    other = PromoCode(code="OTHER", kind=DiscountKind.PERCENT_OFF, value=10)
    session.add_all([spring, other])
    session.flush()
    orders = {o.code: o for o in session.exec(select(Order)).all()}
    for code, promo in (("O2", spring), ("O3", spring), ("O1", other)):
        order = orders[code]
        session.add(PromoRedemption(promo_code_id=promo.id or 0, order_id=order.id or 0, buyer_email=order.buyer_email))
    session.commit()
    with_spring = Filters(start=START, end=END, currency="EUR", promo_code="SPRING")
    totals = analytics.totals(session, with_spring)
    assert (totals.revenue_minor, totals.orders, totals.tickets, totals.refunded_minor) == (5000, 2, 2, 3000)
    assert analytics.sales_over_time(session, with_spring, Granularity.DAY) == [
        ("2026-03-04", 3000, 1),
        ("2026-03-10", 2000, 1),
    ]
    assert analytics.refunds_over_time(session, with_spring, Granularity.DAY) == [("2026-03-05", 3000, 1)]
    assert {title for _, title, _, _ in analytics.revenue_by_event(session, with_spring)} == {"Rock", "Play"}
    nobody = Filters(start=START, end=END, currency="EUR", promo_code="NOBODY")
    assert analytics.totals(session, nobody).orders == 0
