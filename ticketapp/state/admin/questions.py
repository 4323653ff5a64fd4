"""/admin/events/questions?id=N: an event's custom questions; create, edit, reorder, remove (audited by the service)."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import Question, QuestionKind, QuestionScope
from ticketapp.services.errors import DomainError
from ticketapp.services.questions import admin as question_admin
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, TEXT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

KIND_LABELS = {
    QuestionKind.TEXT: msgid("Short text"),
    QuestionKind.LONG_TEXT: msgid("Long text"),
    QuestionKind.NUMBER: msgid("Number"),
    QuestionKind.DATE: msgid("Date"),
    QuestionKind.CHOICE: msgid("One choice"),
    QuestionKind.MULTIPLE_CHOICE: msgid("Several choices"),
    QuestionKind.YES_NO: msgid("Yes or no"),
    QuestionKind.COUNTRY: msgid("Country"),
    QuestionKind.PHONE: msgid("Phone number"),
}
SCOPE_LABELS = {QuestionScope.ORDER: msgid("Once per order"), QuestionScope.TICKET: msgid("Once per ticket")}
TYPE_PREFIX = "type-"  # the form's checkbox of a ticket type: "type-<id>"
FORM_FIELDS = {
    "label": question_admin.LABEL_MAX,
    "help_text": question_admin.HELP_MAX,
    "kind": SHORT_MAX,
    "scope": SHORT_MAX,
    "required": SHORT_MAX,
    "show_at_checkin": SHORT_MAX,
    "options": TEXT_MAX,
}


def question_row(question: Question, type_names: dict[int, str], lang: str) -> dict[str, str]:
    types = question.ticket_type_ids
    return {
        "id": str(question.id),
        "label": question.label,
        "kind": gettext(lang, KIND_LABELS.get(QuestionKind(question.kind), question.kind)),
        "scope": gettext(lang, SCOPE_LABELS.get(QuestionScope(question.scope), question.scope)),
        "types": ", ".join(type_names.get(i, str(i)) for i in types) if types else gettext(lang, "All ticket types"),
        "required": gettext(lang, "Required") if question.required else gettext(lang, "Optional"),
        "checkin": gettext(lang, "Yes") if question.show_at_checkin else gettext(lang, "No"),
    }


def _page(session: Session, event_id: int) -> tuple[str, list[tuple[int, str]], list[Question]] | None:
    overview = question_admin.event_overview(session, event_id)
    if overview is None:
        return None
    title, types = overview
    return title, types, question_admin.list_questions(session, event_id)


def _save(session: Session, actor_id: int, event_id: int, question_id: int | None, form: dict[str, str]) -> str:
    spec = question_admin.parse_spec(session, event_id, form)
    if question_id is None:
        return question_admin.create_question(session, actor_id, event_id, spec).label
    question = session.get(Question, question_id)
    if question is None or question.event_id != event_id:
        raise question_admin.QuestionError(msgid("This question does not exist."))
    return question_admin.update_question(session, actor_id, question_id, spec).label


def _draft(session: Session, event_id: int, question_id: int) -> dict[str, str] | None:
    question = session.get(Question, question_id)
    if question is None or question.event_id != event_id or not question.active:
        return None
    return question_admin.form_values(question)


def _of_event(session: Session, event_id: int, question_id: int) -> bool:
    question = session.get(Question, question_id)
    return question is not None and question.event_id == event_id


class AdminQuestionsState(SentWhenUsed, StaffPageState, rx.State):
    found: bool = True
    event_id: str = ""
    event_title: str = ""
    rows: list[dict[str, str]] = []
    ticket_types: list[dict[str, str]] = []
    kinds: list[dict[str, str]] = []
    scopes: list[dict[str, str]] = []
    editing: str = ""  # the id of the question in the form, "" for a new one
    draft: dict[str, str] = {}  # the form's starting values
    draft_types: list[str] = []  # the ticket type ids ticked in the form

    @rx.event
    async def load(self) -> None:
        if await self._staff() is None:
            return
        raw = clip(self.router.url.query_parameters.get("id", ""), SHORT_MAX)
        self.event_id = raw if raw.isdigit() else ""
        self.editing, self.draft, self.draft_types, self.message = "", {}, [], ""
        await self._refresh()

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        page = await run_db(_page, int(self.event_id)) if self.event_id else None
        self.found, self.loaded = page is not None, True
        if page is None:
            return
        self.event_title, types, questions = page
        names = dict(types)
        self.ticket_types = [{"id": str(i), "name": name} for i, name in types]
        self.rows = [question_row(q, names, lang) for q in questions]
        self.kinds = [{"value": k.value, "label": gettext(lang, label)} for k, label in KIND_LABELS.items()]
        self.scopes = [{"value": s.value, "label": gettext(lang, label)} for s, label in SCOPE_LABELS.items()]

    def _form(self, form: object) -> dict[str, str]:
        """The form's own fields, capped, and the ticked ticket types as "1, 2" (only this event's)."""
        values = form_values(form, FORM_FIELDS)
        ticks = form_values(form, {TYPE_PREFIX + t["id"]: SHORT_MAX for t in self.ticket_types})
        values["ticket_type_ids"] = ", ".join(name[len(TYPE_PREFIX) :] for name, on in ticks.items() if on)
        return values

    @rx.event
    async def save(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None or not self.found or not self.event_id:
            return
        values = self._form(form)
        question_id = int(self.editing) if self.editing.isdigit() else None
        try:
            label = await run_db(_save, actor.id, int(self.event_id), question_id, values)
        except DomainError as refused:
            self.draft = values  # the form keeps what the admin typed
            self.draft_types = [part.strip() for part in values["ticket_type_ids"].split(",") if part.strip()]
            await self._say_refused(refused)
            return
        self.editing, self.draft, self.draft_types = "", {}, []
        await self._say(msgid("Question “{label}” saved."), label=label)
        await self._refresh()

    @rx.event
    async def edit(self, question_id: str) -> None:
        if await self._staff() is None or not self.event_id:
            return
        question_id = clip(question_id, SHORT_MAX)
        draft = await run_db(_draft, int(self.event_id), int(question_id)) if question_id.isdigit() else None
        if draft is None:
            return
        self.draft, self.editing, self.message = draft, question_id, ""
        self.draft_types = [part.strip() for part in draft["ticket_type_ids"].split(",") if part.strip()]

    @rx.event
    async def cancel_edit(self) -> None:
        if await self._staff() is None:
            return
        self.editing, self.draft, self.draft_types, self.message = "", {}, [], ""

    async def _act(self, question_id: str, action: str, step: int = 0) -> None:
        actor = await self._staff()
        question_id = clip(question_id, SHORT_MAX)
        if actor is None or not question_id.isdigit() or not self.event_id:
            return
        if not await run_db(_of_event, int(self.event_id), int(question_id)):
            return
        try:
            if action == "remove":
                await run_db(question_admin.remove_question, actor.id, int(question_id))
                await self._say(msgid("Question removed. Orders keep their answers."))
            else:
                await run_db(question_admin.move_question, actor.id, int(question_id), step)
                self.message = ""
        except DomainError as refused:
            await self._say_refused(refused)
        if self.editing == question_id:
            self.editing, self.draft, self.draft_types = "", {}, []
        await self._refresh()

    @rx.event
    async def move_up(self, question_id: str) -> None:
        await self._act(question_id, "move", -1)

    @rx.event
    async def move_down(self, question_id: str) -> None:
        await self._act(question_id, "move", 1)

    @rx.event
    async def remove(self, question_id: str) -> None:
        await self._act(question_id, "remove")
