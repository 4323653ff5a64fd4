"""Promo codes: the reasons a code is refused, the discount per line, uses counted and given back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import add_type, make_event, token
from ticketapp.models import AdminAudit, DiscountKind, OrderItem, OrderStatus, PromoCode, User, utcnow
from ticketapp.services.booking import checkout
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking.cart import load_cart
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders.mail import confirmation_body
from ticketapp.services.orders.payments import available_methods
from ticketapp.services.orders.summary import summarize_order
from ticketapp.services.promotions import admin as promo_admin
from ticketapp.services.promotions import cart as promo_cart
from ticketapp.services.promotions.codes import PromoError
from ticketapp.services.shared.money import Money


def _code(session: Session, admin: User, **form: str) -> PromoCode:
    values = {"code": "SPRING", "kind": DiscountKind.PERCENT_OFF.value, "value": "20"} | form
    return promo_admin.create_code(session, admin.id or 0, promo_admin.parse_spec(session, values))


def _place(session: Session, cart: str, email: str = "ada@example.com") -> list:
    return checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email=email)


def test_a_percent_code_takes_its_share_off_each_line_and_the_order_keeps_it(session: Session, admin: User) -> None:
    event, standard = make_event(session, price_minor=2500)
    vip = add_type(session, event, name="VIP", price_minor=9999)
    _code(session, admin, code="spring", event_id=str(event.id))
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 2)
    hold_service.set_hold_quantity(session, cart, vip.id, 1)

    view = promo_cart.apply_code(session, cart, " Spring ")

    assert view.promo_code == "SPRING"
    lines = {line.ticket_type_name: line for line in view.lines}
    assert lines["Standard"].discount == Money(500, "EUR") and lines["Standard"].subtotal == Money(4000, "EUR")
    assert lines["VIP"].discount == Money(2000, "EUR")  # 19.998 rounded per ticket
    assert view.totals() == [Money(4000 + 7999, "EUR")] and view.discounts() == [Money(3000, "EUR")]
    [order] = _place(session, cart)
    assert (order.total_minor, order.promo_code) == (11999, "SPRING")
    items = {i.ticket_type_id: i for i in session.exec(select(OrderItem).where(OrderItem.order_id == order.id))}
    assert (items[standard.id].unit_price_minor, items[standard.id].discount_minor) == (2000, 500)
    [row] = promo_admin.list_codes(session)
    assert (row.uses, row.discounts) == (1, [Money(3000, "EUR")])
    assert row.revenue == [Money(11999, "EUR")]  # what the buyer pays (pending, in its window)
    summary = summarize_order(session, order.code)
    assert summary is not None and summary.discount == Money(3000, "EUR")
    mail = confirmation_body(summary, "https://example.test/o", [], "fr", attached=False)
    assert "Code promo SPRING : −30,00\xa0€ (déjà déduit ci-dessus)" in mail.text


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"code": "NOPE"}, "This promo code does not exist."),
        ({"valid_until": "2020-01-01T00:00"}, "This promo code has expired."),
        ({"valid_from": "2099-01-01T00:00"}, "This promo code is not valid yet."),
        ({"min_quantity": "3"}, "This promo code needs at least 3 eligible tickets in your cart."),
        ({"other_event": "yes"}, "This promo code does not apply to the tickets in your cart."),
    ],
)
def test_a_code_that_cannot_be_used_says_why_and_changes_nothing(
    session: Session, admin: User, form: dict[str, str], reason: str
) -> None:
    _, standard = make_event(session)
    other, _ = make_event(session, title="Other")
    form = dict(form)
    typed = form.pop("code", "SPRING")
    if form.pop("other_event", ""):
        form["event_id"] = str(other.id)
    _code(session, admin, **form)
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 2)

    with pytest.raises(PromoError) as refused:
        promo_cart.apply_code(session, cart, typed)

    assert str(refused.value) == reason
    view = load_cart(session, cart)
    assert (view.promo_code, view.totals()) == ("", [Money(5000, "EUR")])


def test_only_the_chosen_ticket_types_and_set_price_never_raise_a_price(session: Session, admin: User) -> None:
    event, standard = make_event(session, price_minor=2500)
    vip = add_type(session, event, name="VIP", price_minor=1000)
    _code(session, admin, event_id=str(event.id), kind="set_price", value="15", ticket_type_ids=f"{vip.id}")
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    hold_service.set_hold_quantity(session, cart, vip.id, 1)
    view = promo_cart.apply_code(session, cart, "spring")
    assert [(line.ticket_type_name, line.discount) for line in view.lines] == [
        ("Standard", None),
        ("VIP", Money(0, "EUR")),
    ]


def test_a_free_total_after_the_discount_goes_through_the_free_path(session: Session, admin: User) -> None:
    event, standard = make_event(session, price_minor=2500)
    _code(session, admin, event_id=str(event.id), kind="amount_off", value="30")
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 2)
    promo_cart.apply_code(session, cart, "SPRING")
    [order] = _place(session, cart)
    assert order.total_minor == 0
    assert [str(m) for m in available_methods(order.total_minor)] == ["free"]


def test_the_last_use_goes_once_and_an_expired_or_cancelled_order_gives_it_back(session: Session, admin: User) -> None:
    _, standard = make_event(session, capacity=20)
    _code(session, admin, max_uses="1")
    first, second = token(), token()
    for cart in (first, second):
        hold_service.set_hold_quantity(session, cart, standard.id, 1)
        promo_cart.apply_code(session, cart, "SPRING")  # both carts may show it: the order decides
    [order] = _place(session, first)
    with pytest.raises(PromoError, match="used up"):
        _place(session, second, "bob@example.com")
    assert load_cart(session, second).lines  # refused: the cart is as it was

    assert lifecycle.end_unpaid(session, order.id or 0, OrderStatus.CANCELLED, "buyer cancelled")
    [again] = _place(session, second, "bob@example.com")
    assert again.promo_code == "SPRING"
    third = token()
    hold_service.set_hold_quantity(session, third, standard.id, 1)
    with pytest.raises(PromoError, match="used up"):
        promo_cart.apply_code(session, third, "SPRING")
    # Its payment window closes: the use comes back without any sweep having run.
    later = utcnow() + timedelta(days=1)
    view = promo_cart.apply_code(session, third, "SPRING", now=later)
    assert view.promo_problem is None


def test_uses_per_buyer_are_counted_by_e_mail(session: Session, admin: User) -> None:
    _, standard = make_event(session, capacity=20)
    _code(session, admin, max_uses_per_buyer="1")
    for n, email in enumerate(["ada@example.com", "ADA@example.com"]):
        cart = token()
        hold_service.set_hold_quantity(session, cart, standard.id, 1)
        promo_cart.apply_code(session, cart, "SPRING")
        if n == 0:
            _place(session, cart, email)
        else:
            with pytest.raises(PromoError) as refused:
                _place(session, cart, email)
            assert str(refused.value) == "You have already used this promo code as often as allowed."


def test_admin_changes_are_audited_and_a_deactivated_code_is_refused(session: Session, admin: User) -> None:
    promo = _code(session, admin)
    spec = promo_admin.parse_spec(session, {"code": "SPRING", "kind": "percent_off", "value": "30"})
    promo_admin.update_code(session, admin.id or 0, promo.id or 0, spec)
    promo_admin.set_active(session, admin.id or 0, promo.id or 0, False)
    actions = [(a.action, a.details) for a in session.exec(select(AdminAudit).order_by(AdminAudit.id))]
    assert [a for a, _ in actions] == ["promo.create", "promo.update", "promo.deactivate"]
    assert actions[1][1] == {"value": 30}
    _, standard = make_event(session)
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    with pytest.raises(PromoError, match="no longer active"):
        promo_cart.apply_code(session, cart, "spring")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"code": "a b"}, "A code has 3 to 40 letters, digits, dashes or underscores."),
        ({"kind": "percent_off", "value": "120"}, "A percentage is a whole number from 1 to 100."),
        (
            {"kind": "amount_off", "value": "5"},
            "An amount off or a set price needs an event (it is in the event's currency).",
        ),
        ({"max_uses": "0"}, "Maximum uses must be a whole number of at least 1."),
        (
            {"valid_from": "2030-01-02T00:00", "valid_until": "2030-01-01T00:00"},
            "The end of validity must come after its start.",
        ),
    ],
)
def test_a_bad_admin_form_is_refused_before_anything_is_written(
    session: Session, form: dict[str, str], message: str
) -> None:
    values = {"code": "SPRING", "kind": "percent_off", "value": "10"} | form
    with pytest.raises(promo_admin.PromoAdminError) as refused:
        promo_admin.parse_spec(session, values)
    assert str(refused.value) == message
    assert session.exec(select(PromoCode)).first() is None


def test_a_cart_without_a_code_reads_no_promo_table(session: Session) -> None:
    from sqlalchemy import event as sa_event

    _, standard = make_event(session)
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        load_cart(session, cart)
        _place(session, cart)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert statements
    assert not [s for s in statements if re.search(r"(FROM|JOIN|INTO|UPDATE) promo_", s)]


def test_bulk_creation_makes_n_distinct_random_codes_and_exports_them(session: Session, admin: User) -> None:
    spec = promo_admin.parse_spec(session, {"code": "PARTNER", "kind": "percent_off", "value": "100", "max_uses": "1"})
    created = promo_admin.create_many(session, admin.id or 0, spec, 25)
    codes = {promo.code for promo in created}
    assert len(codes) == 25 and all(re.fullmatch(r"PARTNER-[A-Z2-9]{8}", code) for code in codes)
    csv_text = promo_admin.codes_csv(promo_admin.list_codes(session))
    assert csv_text.splitlines()[0] == "code,event,kind,value,uses,max_uses,active,sent_to"
    assert len(csv_text.splitlines()) == 26 and all(code in csv_text for code in codes)
    [audit_row] = session.exec(select(AdminAudit).where(AdminAudit.action == "promo.create_many")).all()
    assert audit_row.details and audit_row.details["count"] == 25
    with pytest.raises(promo_admin.PromoAdminError, match="1 to 1000"):
        promo_admin.create_many(session, admin.id or 0, spec, 0)
