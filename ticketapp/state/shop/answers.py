"""The custom questions' fields, shared by checkout and the buyer's order page, and the order page's
"Your answers" form (editable until the event starts)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, select

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import Order, QuestionKind
from ticketapp.services.questions import answers as questions
from ticketapp.services.questions.validation import QuestionError, countries
from ticketapp.services.shared.signing import verify
from ticketapp.state.base import focus_control
from ticketapp.state.bounded import SHORT_MAX, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

ANSWERS_ERROR = "answers-error"


def answer_control(key: str) -> str:
    """The id (and name) of the input for the answer slot `key`; option i of a multiple choice adds "-i"."""
    return f"answer-{key}"


def field_views(
    slots: Sequence[questions.Slot], values: dict[str, str], lang: str
) -> tuple[list[dict[str, str]], dict[str, list[str]], list[dict[str, str]]]:
    """The slots as form fields, their options (choices, key → options) and the country list (only when asked)."""
    fields, options = [], {}
    for slot in slots:
        question = slot.question
        who = slot.who(lang)
        label = f"{question.label} ({who})" if who else question.label
        if question.required:
            label = translate(lang, "{question} (required)", question=label)
        fields.append(
            {
                "key": slot.key,
                "control": answer_control(slot.key),
                "label": label,
                "kind": question.kind,
                "help": question.help_text,
                "required": "true" if question.required else "false",
                "value": values.get(slot.key, ""),
            }
        )
        if question.kind == QuestionKind.YES_NO:
            options[slot.key] = ["yes", "no"]
        elif question.options:
            options[slot.key] = list(question.options)
    wanted = any(slot.question.kind == QuestionKind.COUNTRY for slot in slots)
    country_list = [{"code": code, "name": name} for code, name in countries(lang)] if wanted else []
    return fields, options, country_list


def read_answers(form: object, fields: Sequence[dict[str, str]], options: dict[str, list[str]]) -> dict[str, str]:
    """The submitted answers of these fields only (capped); a multiple choice's ticked options one per line."""
    answers = {}
    for field in fields:
        key, control = field["key"], field["control"]
        if field["kind"] == QuestionKind.MULTIPLE_CHOICE:
            choices = options.get(key, [])
            ticked = form_values(form, {f"{control}-{i}": SHORT_MAX for i in range(len(choices))})
            answers[key] = "\n".join(choice for i, choice in enumerate(choices) if ticked[f"{control}-{i}"])
        else:
            answers[key] = form_values(form, {control: questions.RAW_MAX})[control]
    return answers


def yes_no_labels(lang: str) -> dict[str, str]:
    return {"yes": gettext(lang, "Yes"), "no": gettext(lang, "No")}


def answer_rows(rows: Sequence[questions.AnswerRow]) -> list[dict[str, str]]:
    return [{"question": r.question, "who": r.who, "value": r.value} for r in rows]


def _order_form(
    session: Session, code: str, lang: str
) -> tuple[list[questions.Slot], dict[str, str], bool, list[questions.AnswerRow]] | None:
    order = session.exec(select(Order).where(Order.code == code)).first()
    if order is None:
        return None
    order_id = order.id or 0
    slots = questions.order_slots(session, order_id)
    values, rows = questions.current_values(session, order_id), questions.order_answers(session, order_id, lang)
    return slots, values, questions.editable(session, order), rows


class OrderAnswersState(SentWhenUsed, rx.State):
    """The "Your answers" section of /orders/[code]/status (the signed link is its key)."""

    question_fields: list[dict[str, str]] = []
    question_options: dict[str, list[str]] = {}
    countries: list[dict[str, str]] = []
    yes_no: dict[str, str] = {}
    rows: list[dict[str, str]] = []  # the answers as read (when they can no longer change)
    editable: bool = False
    error: str = ""
    error_field: str = ""
    saved: str = ""
    _code: str = ""
    _signature: str = ""

    @rx.event
    async def load(self) -> None:
        self.error, self.error_field, self.saved = "", "", ""
        code = self.router.url.path.strip("/").split("/")[1:2]
        self._code = code[0].upper()[:16] if code else ""
        self._signature = self.router.url.query_parameters.get("s", "")[:SHORT_MAX]
        await self._refresh()

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        valid = verify(self._code, "order-status", self._signature)
        found = await run_db(_order_form, self._code, lang) if valid else None
        if found is None:
            self.question_fields, self.rows, self.editable = [], [], False
            return
        slots, values, self.editable, rows = found
        self.rows = answer_rows(rows)
        self.question_fields, self.question_options, self.countries = field_views(slots, values, lang)
        self.yes_no = yes_no_labels(lang)

    @rx.event
    async def save(self, form: dict[str, str] | None = None) -> AsyncIterator[EventSpec | None]:
        lang = await current_lang(self)
        self.error, self.error_field, self.saved = "", "", ""
        if not verify(self._code, "order-status", self._signature) or not self.editable:
            self.error = gettext(lang, "This link is not valid.")
            return
        raw = read_answers(form, self.question_fields, self.question_options)
        try:
            await run_db(questions.update_answers, self._code, raw)
        except QuestionError as refused:
            self.error = refused.translated(lang)
            self.error_field = answer_control(refused.field) if refused.field else ""
            if self.error_field:
                yield focus_control(self.error_field)
            return
        await self._refresh()
        self.saved = gettext(lang, msgid("Your answers are saved."))
