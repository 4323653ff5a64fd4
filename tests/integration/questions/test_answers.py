"""Custom questions end to end at the service level: the organiser's questions, a checkout that answers
them (stored with the order, in its transaction), the refusals that change nothing, the buyer's edits,
the admin views, the CSV export and the door."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import add_type, make_event, token
from ticketapp.models import AdminAudit, Answer, Event, Hold, Order, Question, Ticket, User, utcnow
from ticketapp.services.booking import checkout
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.orders.admin import OrderSearch, export_csv
from ticketapp.services.questions import admin as question_admin
from ticketapp.services.questions import answers
from ticketapp.services.questions.validation import QuestionError


def _ask(session: Session, admin: User, event: Event, **form: str) -> Question:
    values = {"label": "Diet", "kind": "text", "scope": "order"} | form
    spec = question_admin.parse_spec(session, event.id or 0, values)
    return question_admin.create_question(session, admin.id or 0, event.id or 0, spec)


def _place(session: Session, cart: str, raw: dict[str, str]) -> list[Order]:
    return checkout.convert_cart_to_pending_order(
        session, cart, buyer_name="Ada", buyer_email="ada@example.com", answers=raw
    )


def test_an_order_keeps_its_answers_per_order_and_per_ticket(session: Session, admin: User) -> None:
    event, standard = make_event(session)
    vip = add_type(session, event, name="VIP")
    diet = _ask(session, admin, event, required="on")
    size = _ask(
        session, admin, event, label="T-shirt", kind="choice", scope="ticket", options="S\nM\nL",
        ticket_type_ids=str(vip.id), show_at_checkin="on",
    )  # fmt: skip
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    hold_service.set_hold_quantity(session, cart, vip.id, 2)
    slots = answers.slots_for(session, [answers.Line(standard.id or 0, 1), answers.Line(vip.id or 0, 2)])
    assert [s.key for s in slots] == [f"q{diet.id}", f"q{size.id}-{vip.id}-0", f"q{size.id}-{vip.id}-1"]

    [order] = _place(session, cart, {f"q{diet.id}": "vegan", f"q{size.id}-{vip.id}-0": "M"})

    stored = session.exec(select(Answer).where(Answer.order_id == order.id).order_by(Answer.id)).all()
    assert [(a.question_id, a.ticket_type_id, a.attendee, a.value) for a in stored] == [
        (diet.id, 0, 0, "vegan"),
        (size.id, vip.id, 0, "M"),
    ]
    rows = answers.order_answers(session, order.id or 0, "fr")
    assert [(r.question, r.who, r.value) for r in rows] == [
        ("Diet", "", "vegan"),
        ("T-shirt", "Participant 1 – VIP, Test Concert", "M"),
    ]
    csv_text = export_csv(session, OrderSearch())
    assert "answers" in csv_text.splitlines()[0]
    assert "Diet: vegan; Attendee 1 – VIP, Test Concert: T-shirt: M" in csv_text
    audit_actions = session.exec(select(AdminAudit.action).where(AdminAudit.target_type == "event_question")).all()
    assert audit_actions == ["question.create", "question.create"]


@pytest.mark.parametrize(
    ("raw", "reason", "field"),
    [
        ({}, "Diet: please answer this question.", "q{diet}"),
        ({"q{diet}": "x" * 1_000_000}, "Diet: at most 200 characters, please.", "q{diet}"),
        ({"q{diet}": "vegan", "q999999": "hello"}, "These answers are not for the questions of this order.", ""),
        ({"q{diet}": "vegan", "q{diet}-1-0": "hello"}, "These answers are not for the questions of this order.", ""),
    ],
)
def test_a_checkout_with_a_wrong_answer_places_nothing(
    session: Session, admin: User, raw: dict[str, str], reason: str, field: str
) -> None:
    event, standard = make_event(session)
    diet = _ask(session, admin, event, required="on")
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    crafted = {key.format(diet=diet.id): value for key, value in raw.items()}
    with pytest.raises(QuestionError) as refused:
        _place(session, cart, crafted)
    assert (str(refused.value), refused.value.field) == (reason, field.format(diet=diet.id))
    assert session.exec(select(Order)).all() == [] and session.exec(select(Answer)).all() == []
    assert len(session.exec(select(Hold)).all()) == 1  # the cart keeps its tickets


def test_questions_of_other_ticket_types_or_events_are_not_asked(session: Session, admin: User) -> None:
    event, standard = make_event(session)
    vip = add_type(session, event, name="VIP")
    other, other_type = make_event(session, title="Other")
    _ask(session, admin, event, label="VIP name", ticket_type_ids=str(vip.id), required="on")
    _ask(session, admin, other, label="Other", required="on")
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    [order] = _place(session, cart, {})
    assert order.id is not None
    with pytest.raises(QuestionError, match="ticket types are not all of this event"):
        question_admin.parse_spec(session, event.id or 0, {"label": "x", "kind": "text", "scope": "order",
                                                          "ticket_type_ids": str(other_type.id)})  # fmt: skip


def test_the_admin_checks_orders_and_removes_questions(session: Session, admin: User) -> None:
    event, _ = make_event(session)
    first, second = _ask(session, admin, event, label="First"), _ask(session, admin, event, label="Second")
    for form, reason in [
        ({"label": " "}, "A question needs a text"),
        ({"kind": "file"}, "Please choose the kind of answer."),
        ({"scope": "seat"}, "once per order or once per ticket"),
        ({"kind": "choice", "options": "only one"}, "A choice needs 2 to 30 options"),
        ({"help_text": "h" * 501}, "The help text has at most 500 characters."),
    ]:
        with pytest.raises(QuestionError, match=reason):
            question_admin.parse_spec(session, event.id or 0, {"label": "Q", "kind": "text", "scope": "order"} | form)
    question_admin.move_question(session, admin.id or 0, second.id or 0, -1)
    assert [q.label for q in question_admin.list_questions(session, event.id or 0)] == ["Second", "First"]
    question_admin.move_question(session, admin.id or 0, second.id or 0, -1)  # already first: nothing moves
    question_admin.remove_question(session, admin.id or 0, first.id or 0)
    assert [q.label for q in question_admin.list_questions(session, event.id or 0)] == ["Second"]
    with pytest.raises(QuestionError, match="does not exist"):
        question_admin.remove_question(session, admin.id or 0, first.id or 0)


def test_the_buyer_edits_answers_until_the_event_starts(session: Session, admin: User) -> None:
    event, standard = make_event(session)
    diet = _ask(session, admin, event, required="on")
    phone = _ask(session, admin, event, label="Phone", kind="phone")
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 1)
    [order] = _place(session, cart, {f"q{diet.id}": "vegan"})

    assert (
        answers.update_answers(session, order.code, {f"q{diet.id}": "halal", f"q{phone.id}": "+33 6 12 34 56 78"}) == 2
    )
    assert answers.current_values(session, order.id or 0) == {
        f"q{diet.id}": "halal",
        f"q{phone.id}": "+33 6 12 34 56 78",
    }
    with pytest.raises(QuestionError, match="please enter a phone number"):
        answers.update_answers(session, order.code, {f"q{diet.id}": "none", f"q{phone.id}": "nope"})
    with pytest.raises(QuestionError, match="not for the questions"):
        answers.update_answers(session, order.code, {f"q{diet.id}": "none", "q424242": "x"})
    assert answers.update_answers(session, order.code, {f"q{diet.id}": "halal", f"q{phone.id}": ""}) == 1
    assert answers.current_values(session, order.id or 0) == {f"q{diet.id}": "halal"}
    with pytest.raises(QuestionError, match="can no longer be changed"):
        answers.update_answers(session, order.code, {f"q{diet.id}": "late"}, now=event.starts_at + timedelta(minutes=1))
    assert answers.current_values(session, order.id or 0) == {f"q{diet.id}": "halal"}


def test_the_door_sees_only_answers_marked_for_check_in(session: Session, admin: User) -> None:
    event, standard = make_event(session)
    _ask(session, admin, event, label="Secret")
    size = _ask(
        session, admin, event, label="Size", kind="choice", scope="ticket", options="S\nM", show_at_checkin="on"
    )
    cart = token()
    hold_service.set_hold_quantity(session, cart, standard.id, 2)
    [order] = _place(session, cart, {f"q{size.id}-{standard.id}-1": "S"})
    tickets = []
    for n in range(2):  # what issuing makes, in order
        ticket = Ticket(order_id=order.id or 0, order_item_id=_item_id(session, order), ticket_type_id=standard.id or 0,
                        secret=f"s{n}{token()}", code=f"T{n}{order.code}")  # fmt: skip
        session.add(ticket)
        tickets.append(ticket)
    session.commit()
    assert answers.checkin_answers(session, tickets[0], "en") == []
    assert answers.checkin_answers(session, tickets[1], "en") == [("Size", "S")]
    assert utcnow() < event.starts_at


def _item_id(session: Session, order: Order) -> int:
    from ticketapp.models import OrderItem

    item = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).first()
    assert item is not None and item.id is not None
    return item.id
