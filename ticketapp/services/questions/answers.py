"""The buyers' answers: which questions a cart or an order asks, their checks, and the only writer of
`question_answer` rows (at checkout, inside the order's transaction; later, the buyer's edits).

An answer's key names its slot: "q<question>" once per order, "q<question>-<ticket type>-<n>" for the
n-th ticket (0-based) of a type. A browser sends keys and text; only the slots of its own order are
accepted, so a crafted key or an over-long value is refused and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, translate
from ticketapp.models import (
    PAID_STATUSES,
    PENDING_STATUSES,
    Answer,
    Event,
    Order,
    OrderItem,
    Question,
    QuestionScope,
    Ticket,
    TicketType,
    utcnow,
)
from ticketapp.services.questions.validation import QuestionError, check_value, display_value

RAW_MAX = 4_000  # what a state keeps of one submitted answer: above every cap, so the check refuses it
ATTENDEE_LABEL = msgid("Attendee {n} – {type}, {event}")


@dataclass(frozen=True)
class Line:
    """Tickets the questions are asked for: `quantity` of one ticket type."""

    ticket_type_id: int
    quantity: int


@dataclass(frozen=True)
class Slot:
    key: str
    question: Question
    event_title: str
    ticket_type_id: int  # 0 for a once-per-order question
    attendee: int
    type_name: str
    line_type_id: int  # the cart line the slot goes with (which order it belongs to)

    def who(self, lang: str) -> str:
        """ "" for the order; "Attendee 2 – Standing, Rock night" for a ticket."""
        if not self.ticket_type_id:
            return ""
        return translate(lang, ATTENDEE_LABEL, n=self.attendee + 1, type=self.type_name, event=self.event_title)


@dataclass(frozen=True)
class Checked:
    slot: Slot
    value: str  # normalised; "" for no answer


def slot_key(question_id: int, ticket_type_id: int = 0, attendee: int = 0) -> str:
    return f"q{question_id}" if not ticket_type_id else f"q{question_id}-{ticket_type_id}-{attendee}"


def _asks(question: Question, ticket_type_id: int) -> bool:
    return question.ticket_type_ids is None or ticket_type_id in question.ticket_type_ids


def slots_for(session: Session, lines: Sequence[Line]) -> list[Slot]:
    """The questions these tickets ask, in the order shown: per event, its once-per-order questions,
    then each ticket's. A cart whose events ask nothing costs one indexed query."""
    type_ids = [line.ticket_type_id for line in lines]
    if not type_ids:
        return []
    asked = session.exec(
        select(Question)
        .join(TicketType, col(TicketType.event_id) == Question.event_id)
        .where(col(TicketType.id).in_(type_ids), col(Question.active))
    ).all()  # once per ticket type of the event: deduplicated here (no DISTINCT over JSON columns)
    if not asked:
        return []
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in sorted({q.id: q for q in asked}.values(), key=lambda q: (q.position, q.id or 0)):
        questions[question.event_id].append(question)
    types = {
        t.id: (t, e)
        for t, e in session.exec(
            select(TicketType, Event)
            .join(Event, col(Event.id) == TicketType.event_id)
            .where(col(TicketType.id).in_(type_ids))
        ).all()
    }
    slots: list[Slot] = []
    for event_id in sorted(questions):
        event_lines = [
            line for line in lines if line.ticket_type_id in types and types[line.ticket_type_id][1].id == event_id
        ]
        slots.extend(_event_slots(questions[event_id], event_lines, types))
    return slots


def _event_slots(
    questions: Sequence[Question], lines: Sequence[Line], types: Mapping[int | None, tuple[TicketType, Event]]
) -> list[Slot]:
    slots: list[Slot] = []
    for question in questions:
        first = next((line for line in lines if _asks(question, line.ticket_type_id)), None)
        if question.scope == QuestionScope.ORDER and first is not None:
            title = types[first.ticket_type_id][1].title
            slots.append(Slot(slot_key(question.id or 0), question, title, 0, 0, "", first.ticket_type_id))
    for line in lines:
        ticket_type, event = types[line.ticket_type_id]
        for n in range(line.quantity):
            for question in questions:
                if question.scope == QuestionScope.TICKET and _asks(question, line.ticket_type_id):
                    key = slot_key(question.id or 0, line.ticket_type_id, n)
                    slots.append(
                        Slot(key, question, event.title, line.ticket_type_id, n, ticket_type.name, line.ticket_type_id)
                    )
    return slots


def check_answers(slots: Sequence[Slot], raw: Mapping[str, str]) -> list[Checked]:
    """Every slot's answer checked (QuestionError on the first wrong or missing one); a key that is not
    one of `slots` is refused too (a crafted client)."""
    known = {slot.key for slot in slots}
    if any(key not in known for key in raw):
        raise QuestionError(msgid("These answers are not for the questions of this order."))
    return [Checked(slot, check_value(slot.question, str(raw.get(slot.key, "")), field=slot.key)) for slot in slots]


def check_for_lines(session: Session, lines: Sequence[Line], raw: Mapping[str, str]) -> list[Checked]:
    return check_answers(slots_for(session, lines), raw)


def record_answers(
    session: Session, orders: Iterable[tuple[int, Iterable[int]]], checked: Sequence[Checked], now: datetime
) -> None:
    """Add the answers of new orders (order id, its ticket type ids), in the caller's transaction."""
    order_of = {type_id: order_id for order_id, type_ids in orders for type_id in type_ids}
    for answer in checked:
        if answer.value and answer.slot.line_type_id in order_of:
            session.add(
                Answer(
                    order_id=order_of[answer.slot.line_type_id],
                    question_id=answer.slot.question.id or 0,
                    ticket_type_id=answer.slot.ticket_type_id,
                    attendee=answer.slot.attendee,
                    value=answer.value,
                    created_at=now,
                    updated_at=now,
                )
            )


def order_lines(session: Session, order_id: int) -> list[Line]:
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order_id).order_by(col(OrderItem.id))).all()
    return [Line(item.ticket_type_id, item.quantity) for item in items]


@dataclass(frozen=True)
class AnswerRow:
    question: str
    who: str  # "" for the order
    value: str  # as people read it
    show_at_checkin: bool


def order_answers(session: Session, order_id: int, lang: str) -> list[AnswerRow]:
    """The order's answers (archived questions too), the order's first, then per ticket, in the questions' order."""
    return _answer_rows(session, [order_id], lang).get(order_id, [])


CHUNK = 500  # order ids per query (bound parameters)


def _answer_rows(session: Session, order_ids: Sequence[int], lang: str) -> dict[int, list[AnswerRow]]:
    found: list[tuple[Answer, Question]] = []
    for start in range(0, len(order_ids), CHUNK):
        found.extend(
            session.exec(
                select(Answer, Question)
                .join(Question, col(Question.id) == Answer.question_id)
                .where(col(Answer.order_id).in_(order_ids[start : start + CHUNK]))
                .order_by(col(Answer.ticket_type_id), col(Answer.attendee), col(Question.position), col(Question.id))
            ).all()
        )
    names = _type_names(session, {answer.ticket_type_id for answer, _ in found if answer.ticket_type_id})
    result: dict[int, list[AnswerRow]] = defaultdict(list)
    for answer, question in found:
        who = ""
        if answer.ticket_type_id:
            type_name, event_title = names.get(answer.ticket_type_id, ("", ""))
            who = translate(lang, ATTENDEE_LABEL, n=answer.attendee + 1, type=type_name, event=event_title)
        value = display_value(question, answer.value, lang)
        result[answer.order_id].append(AnswerRow(question.label, who, value, question.show_at_checkin))
    return result


def _type_names(session: Session, type_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not type_ids:
        return {}
    return {
        type_id or 0: (name, title)
        for type_id, name, title in session.exec(
            select(TicketType.id, TicketType.name, Event.title)
            .join(Event, col(Event.id) == TicketType.event_id)
            .where(col(TicketType.id).in_(type_ids))
        ).all()
    }


def answers_text(session: Session, order_ids: Sequence[int]) -> dict[int, str]:
    """Each order's answers on one line ("Diet: vegan; Attendee 1 – …: T-shirt: M"), for the CSV export."""
    return {
        order_id: "; ".join(f"{row.who + ': ' if row.who else ''}{row.question}: {row.value}" for row in rows)
        for order_id, rows in _answer_rows(session, order_ids, "en").items()
    }


# --- the buyer's edits -------------------------------------------------------------------------------


def editable(session: Session, order: Order, now: datetime | None = None) -> bool:
    """Answers may change while the order stands (pending or paid) and none of its events has started."""
    if order.status not in (*PENDING_STATUSES, *PAID_STATUSES):
        return False
    first = session.exec(
        select(Event.starts_at)
        .join(TicketType, col(TicketType.event_id) == Event.id)
        .join(OrderItem, col(OrderItem.ticket_type_id) == TicketType.id)
        .where(OrderItem.order_id == order.id)
        .order_by(col(Event.starts_at))
    ).first()
    return first is not None and first > (now or utcnow())


def current_values(session: Session, order_id: int) -> dict[str, str]:
    return {
        slot_key(a.question_id, a.ticket_type_id, a.attendee): a.value
        for a in session.exec(select(Answer).where(Answer.order_id == order_id)).all()
    }


def order_slots(session: Session, order_id: int) -> list[Slot]:
    return slots_for(session, order_lines(session, order_id))


def update_answers(session: Session, order_code: str, raw: Mapping[str, str], *, now: datetime | None = None) -> int:
    """The buyer's new answers for their order (every slot at once, as the form sends them); how many
    changed. Refused (nothing written) once an event of the order has started, or for a wrong answer."""
    now = now or utcnow()
    order = session.exec(select(Order).where(Order.code == order_code).with_for_update()).first()
    if order is None or not editable(session, order, now):
        session.rollback()
        raise QuestionError(msgid("The answers of this order can no longer be changed."))
    try:
        checked = check_answers(order_slots(session, order.id or 0), raw)
    except QuestionError:
        session.rollback()
        raise
    existing = {
        slot_key(a.question_id, a.ticket_type_id, a.attendee): a
        for a in session.exec(select(Answer).where(Answer.order_id == order.id)).all()
    }
    changed = 0
    for answer in checked:
        row = existing.get(answer.slot.key)
        if row is not None and row.value == answer.value:
            continue
        changed += 1
        if row is not None and not answer.value:
            session.delete(row)
        elif row is not None:
            row.value, row.updated_at = answer.value, now
            session.add(row)
        else:
            record_answers(session, [(order.id or 0, [answer.slot.line_type_id])], [answer], now)
    session.commit()
    return changed


def checkin_answers(session: Session, ticket: Ticket, lang: str) -> list[tuple[str, str]]:
    """(question, answer) the door staff see for `ticket`: the order's and this attendee's answers to
    questions marked "show at check-in"."""
    same_type = session.exec(
        select(Ticket.id)
        .where(Ticket.order_id == ticket.order_id, Ticket.ticket_type_id == ticket.ticket_type_id)
        .order_by(col(Ticket.id))
    ).all()
    attendee = list(same_type).index(ticket.id) if ticket.id in same_type else -1
    rows = session.exec(
        select(Answer, Question)
        .join(Question, col(Question.id) == Answer.question_id)
        .where(Answer.order_id == ticket.order_id, col(Question.show_at_checkin))
        .order_by(col(Question.position), col(Question.id))
    ).all()
    return [
        (question.label, display_value(question, answer.value, lang))
        for answer, question in rows
        if not answer.ticket_type_id or (answer.ticket_type_id == ticket.ticket_type_id and answer.attendee == attendee)
    ]


def checkin_answers_for_code(session: Session, ticket_code: str, lang: str) -> list[tuple[str, str]]:
    """`checkin_answers` of the ticket with this code ([] for none)."""
    ticket = session.exec(select(Ticket).where(Ticket.code == ticket_code)).first()
    return checkin_answers(session, ticket, lang) if ticket is not None else []
