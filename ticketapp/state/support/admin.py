"""Administrators edit the FAQ and the canned replies (from the agent panel)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import msgid
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.support import content as support_content
from ticketapp.services.support.tickets import SupportError
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import NAME_MAX, SHORT_MAX, TEXT_MAX, known_key
from ticketapp.state.snapshot import SentWhenUsed


def _lists(session: Session, viewer: Viewer) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Every canned reply and FAQ entry, in all languages."""
    canned = [
        {"id": str(r.id), "title": r.title, "locale": r.locale, "body": r.body}
        for r in support_content.all_canned_replies(session, viewer)
    ]
    faq = [
        {"id": str(f.id), "question": f.question, "answer": f.answer, "locale": f.locale, "position": str(f.position)}
        for f in support_content.all_faq_entries(session, viewer)
    ]
    return canned, faq


# The fields the editors may set, with their caps.
EDITABLE_FIELDS = {
    "canned_title": NAME_MAX,
    "canned_locale": SHORT_MAX,
    "canned_body": TEXT_MAX,
    "faq_question": TEXT_MAX,
    "faq_answer": TEXT_MAX,
    "faq_locale": SHORT_MAX,
    "faq_position": SHORT_MAX,
}


class SupportAdminState(SentWhenUsed, StaffPageState, rx.State):
    """Shown to admins only (`_staff_role` is admin): agents see the panel without this section."""

    canned: list[dict[str, str]] = []
    faq: list[dict[str, str]] = []
    canned_id: str = ""
    canned_title: str = ""
    canned_locale: str = "en"
    canned_body: str = ""
    faq_id: str = ""
    faq_question: str = ""
    faq_answer: str = ""
    faq_locale: str = "en"
    faq_position: str = "0"

    async def _reload(self, viewer: Viewer) -> None:
        self.canned, self.faq = await run_db(_lists, viewer)

    @rx.event
    async def load(self) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        self.loaded = True
        await self._reload(viewer)

    @rx.event
    def edit_canned(self, reply_id: str) -> None:
        chosen = next((r for r in self.canned if r["id"] == reply_id), None)
        if chosen is None:
            self.canned_id, self.canned_title, self.canned_body, self.canned_locale = "", "", "", "en"
            return
        self.canned_id, self.canned_title = chosen["id"], chosen["title"]
        self.canned_body, self.canned_locale = chosen["body"], chosen["locale"]

    async def _change(self, action: Callable[[Session, Viewer], object], done: str) -> bool:
        """Check the admin, run one service action, reload the lists and say how it went."""
        viewer = await self._staff()
        if viewer is None:
            return False
        try:
            await run_db(action, viewer)
        except SupportError as error:
            await self._say_refused(error)
            return False
        await self._reload(viewer)
        await self._say(done)
        return True

    @rx.event
    async def save_canned(self) -> None:
        reply_id = int(self.canned_id) if self.canned_id else None
        title, body, locale = self.canned_title, self.canned_body, self.canned_locale

        def save(session: Session, viewer: Viewer) -> object:
            return support_content.save_canned_reply(
                session, viewer, title=title, body=body, locale=locale, reply_id=reply_id
            )

        if await self._change(save, msgid("Canned reply saved.")):
            self.edit_canned("")  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace

    @rx.event
    async def delete_canned(self, reply_id: str) -> None:
        await self._change(
            lambda session, viewer: support_content.delete_canned_reply(session, viewer, int(reply_id)),
            msgid("Deleted."),
        )

    @rx.event
    def edit_faq(self, entry_id: str) -> None:
        chosen = next((f for f in self.faq if f["id"] == entry_id), None)
        if chosen is None:
            self.faq_id, self.faq_question, self.faq_answer, self.faq_locale, self.faq_position = "", "", "", "en", "0"
            return
        self.faq_id, self.faq_question, self.faq_answer = chosen["id"], chosen["question"], chosen["answer"]
        self.faq_locale, self.faq_position = chosen["locale"], chosen["position"]

    @rx.event
    async def save_faq(self) -> None:
        entry_id = int(self.faq_id) if self.faq_id else None
        position = int(self.faq_position) if self.faq_position.strip().lstrip("-").isdigit() else 0
        question, answer, locale = self.faq_question, self.faq_answer, self.faq_locale

        def save(session: Session, viewer: Viewer) -> object:
            return support_content.save_faq_entry(
                session, viewer, question=question, answer=answer, locale=locale, position=position, entry_id=entry_id
            )

        if await self._change(save, msgid("FAQ entry saved.")):
            self.edit_faq("")  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace

    @rx.event
    async def delete_faq(self, entry_id: str) -> None:
        await self._change(
            lambda session, viewer: support_content.delete_faq_entry(session, viewer, int(entry_id)),
            msgid("Deleted."),
        )

    @rx.event
    async def set_field(self, name: str, value: str) -> None:
        # Only the editable text fields, capped; never flags like forbidden; only for an admin
        # (a crafted event from anyone else changes nothing).
        if field := known_key(name, EDITABLE_FIELDS):
            await self._set_text(field, value, EDITABLE_FIELDS[field])
