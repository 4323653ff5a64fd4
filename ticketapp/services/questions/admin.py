"""An event's questions in the admin area: create, edit, reorder, remove — audited. The only writer of
`event_question` rows. A form arrives as text; `parse_spec` checks it before anything is written."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Event, Question, QuestionKind, QuestionScope, TicketType, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.questions.validation import CHOICE_KINDS, OPTION_MAX, OPTIONS_MAX, QuestionError

LABEL_MAX = 200
HELP_MAX = 500
FIELDS = ("label", "help_text", "kind", "scope", "required", "options", "ticket_type_ids", "show_at_checkin")
QUESTIONS_MAX = 50  # per event: a checkout is not a survey


@dataclass(frozen=True)
class QuestionSpec:
    label: str
    help_text: str
    kind: QuestionKind
    scope: QuestionScope
    required: bool
    options: list[str] | None
    ticket_type_ids: list[int] | None
    show_at_checkin: bool


def _flag(raw: str) -> bool:
    return raw.strip().lower() in ("on", "true", "1", "yes")


def parse_spec(session: Session, event_id: int, form: dict[str, str]) -> QuestionSpec:
    """The admin's form for a question of `event_id`, checked."""
    label = " ".join(form.get("label", "").split())
    if not label or len(label) > LABEL_MAX:
        raise QuestionError(msgid("A question needs a text of 1 to {max} characters."), max=LABEL_MAX)
    help_text = form.get("help_text", "").strip()
    if len(help_text) > HELP_MAX:
        raise QuestionError(msgid("The help text has at most {max} characters."), max=HELP_MAX)
    try:
        kind = QuestionKind(form.get("kind", ""))
    except ValueError:
        raise QuestionError(msgid("Please choose the kind of answer.")) from None
    try:
        scope = QuestionScope(form.get("scope", ""))
    except ValueError:
        raise QuestionError(msgid("Please choose whether to ask once per order or once per ticket.")) from None
    return QuestionSpec(
        label=label,
        help_text=help_text,
        kind=kind,
        scope=scope,
        required=_flag(form.get("required", "")),
        options=_options(kind, form.get("options", "")),
        ticket_type_ids=_types(session, event_id, form.get("ticket_type_ids", "")),
        show_at_checkin=_flag(form.get("show_at_checkin", "")),
    )


def _options(kind: QuestionKind, raw: str) -> list[str] | None:
    if kind not in CHOICE_KINDS:
        return None
    options: list[str] = []
    for line in raw.splitlines():
        option = " ".join(line.split())
        if option and option not in options:
            options.append(option)
    if len(options) < 2 or len(options) > OPTIONS_MAX or any(len(o) > OPTION_MAX for o in options):
        raise QuestionError(
            msgid("A choice needs 2 to {count} options, one per line, each at most {max} characters."),
            count=OPTIONS_MAX,
            max=OPTION_MAX,
        )
    return options


def _types(session: Session, event_id: int, raw: str) -> list[int] | None:
    ids = sorted({int(part) for part in raw.replace(";", ",").split(",") if part.strip().isdigit()})
    if not ids:
        return None
    known = set(session.exec(select(TicketType.id).where(TicketType.event_id == event_id)).all())
    if not set(ids) <= known:
        raise QuestionError(msgid("These ticket types are not all of this event."))
    return ids


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise QuestionError(msgid("Event not found."))
    return event


def list_questions(session: Session, event_id: int) -> list[Question]:
    """The event's questions still asked, in their order."""
    return list(
        session.exec(
            select(Question)
            .where(Question.event_id == event_id, col(Question.active))
            .order_by(col(Question.position), col(Question.id))
        ).all()
    )


def create_question(session: Session, actor_id: int, event_id: int, spec: QuestionSpec) -> Question:
    _event(session, event_id)
    count, last = session.exec(
        select(func.count(), func.max(Question.position)).where(Question.event_id == event_id, col(Question.active))
    ).one()
    if count >= QUESTIONS_MAX:
        raise QuestionError(msgid("At most {max} questions per event."), max=QUESTIONS_MAX)
    question = Question(event_id=event_id, position=(last or 0) + 1, label=spec.label, kind=spec.kind.value)
    for name, value in _values(spec).items():
        setattr(question, name, value)
    session.add(question)
    session.flush()
    audit(session, actor_id, "question.create", "event_question", question.id, event_id=event_id, **_values(spec))
    session.commit()
    return question


def update_question(session: Session, actor_id: int, question_id: int, spec: QuestionSpec) -> Question:
    question = _locked(session, question_id)
    before = {name: getattr(question, name) for name in FIELDS}
    for name, value in _values(spec).items():
        setattr(question, name, value)
    question.updated_at = utcnow()
    session.add(question)
    changed = {name: getattr(question, name) for name in FIELDS if getattr(question, name) != before[name]}
    audit(session, actor_id, "question.update", "event_question", question.id, **changed)
    session.commit()
    return question


def move_question(session: Session, actor_id: int, question_id: int, step: int) -> None:
    """Swap the question with its neighbour above (step -1) or below (+1); at an end, nothing moves."""
    question = _locked(session, question_id)
    siblings = list_questions(session, question.event_id)
    index = next(i for i, q in enumerate(siblings) if q.id == question.id)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(siblings):
        session.rollback()
        return
    for position, row in enumerate(siblings, start=1):  # positions renumbered: old rows may share one
        row.position = position
    siblings[index].position, siblings[other].position = siblings[other].position, siblings[index].position
    session.add_all(siblings)
    audit(session, actor_id, "question.move", "event_question", question.id, step=1 if step > 0 else -1)
    session.commit()


def remove_question(session: Session, actor_id: int, question_id: int) -> Question:
    """No longer asked; orders keep their answers to it (shown as before)."""
    question = _locked(session, question_id)
    question.active, question.updated_at = False, utcnow()
    session.add(question)
    audit(session, actor_id, "question.remove", "event_question", question.id, label=question.label)
    session.commit()
    return question


def _locked(session: Session, question_id: int) -> Question:
    question = session.get(Question, question_id, with_for_update=True, populate_existing=True)
    if question is None or not question.active:
        session.rollback()
        raise QuestionError(msgid("This question does not exist."))
    return question


def _values(spec: QuestionSpec) -> dict[str, object]:
    values = asdict(spec)
    values["kind"], values["scope"] = spec.kind.value, spec.scope.value
    return values


def form_values(question: Question) -> dict[str, str]:
    """A question as its edit form shows it."""
    return {
        "label": question.label,
        "help_text": question.help_text,
        "kind": question.kind,
        "scope": question.scope,
        "required": "on" if question.required else "",
        "options": "\n".join(question.options or []),
        "ticket_type_ids": ", ".join(str(i) for i in question.ticket_type_ids or []),
        "show_at_checkin": "on" if question.show_at_checkin else "",
    }


def event_overview(session: Session, event_id: int) -> tuple[str, list[tuple[int, str]]] | None:
    """The event's title and its ticket types (id, name), for the questions page; None if no such event."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    types = session.exec(
        select(TicketType.id, TicketType.name).where(TicketType.event_id == event_id).order_by(col(TicketType.position))
    ).all()
    return event.title, [(type_id or 0, name) for type_id, name in types]
