"""/admin/webhooks: the organiser's webhook endpoints (register, edit, disable, rotate the secret) and
one endpoint's delivery log, a page at a time, with replay. The rules live in services/webhooks."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.services.errors import DomainError
from ticketapp.services.webhooks import admin as hooks_admin
from ticketapp.services.webhooks.events import EVENT_TYPES
from ticketapp.services.widget import origins as widget_origins
from ticketapp.settings import get_settings
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

FORM_FIELDS = {"url": 2000, "description": 200} | {f"type-{name}": 8 for name in EVENT_TYPES}
STATUS_LABELS = {"pending": msgid("Retrying"), "delivered": msgid("Delivered"), "failed": msgid("Failed")}


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if hasattr(value, "strftime") else ""


class AdminWebhooksState(SentWhenUsed, Paged, StaffPageState, rx.State):
    endpoints: list[dict[str, str]] = []
    types: list[dict[str, str]] = []
    editing: str = ""  # the endpoint in the form, "" for a new one
    draft: dict[str, str] = {}
    draft_types: list[str] = []  # the event types ticked in the form's starting values
    secret: str = ""  # shown once, after creation or rotation
    secret_for: str = ""
    log_for: str = ""  # the endpoint whose delivery log is open
    log_url: str = ""
    deliveries: list[dict[str, str]] = []
    page_size: ClassVar[int] = hooks_admin.PAGE_SIZE
    widget_sites: list[str] = []  # origins allowed to embed the shop widget
    shop_url: str = ""

    async def _allowed(self) -> bool:
        return await self._staff() is not None

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        rows = await run_db(hooks_admin.list_endpoints)
        self.widget_sites = await run_db(widget_origins.allowed)
        self.shop_url = get_settings().base_url
        self.types = [{"name": name, "label": gettext(lang, label)} for name, label in EVENT_TYPES.items()]
        self.endpoints = [
            {
                "id": str(r.id),
                "url": r.url,
                "description": r.description,
                "events": ", ".join(r.event_types),
                "enabled": "yes" if r.enabled else "",
                "status": gettext(lang, "Enabled") if r.enabled else gettext(lang, "Disabled"),
                "reason": r.disabled_reason,
                "counts": translate(
                    lang,
                    "{delivered} delivered, {pending} retrying, {failed} failed",
                    delivered=r.delivered,
                    pending=r.pending,
                    failed=r.failed,
                ),
            }
            for r in rows
        ]
        if self.log_for.isdigit():
            try:
                found, self.total = await run_db(hooks_admin.deliveries, int(self.log_for), self.page)
            except DomainError:
                self.log_for, self.deliveries, self.total = "", [], 0
            else:
                self.deliveries = [
                    {
                        "id": str(d.id),
                        "event_id": d.event_id,
                        "type": d.event_type,
                        "status": gettext(lang, STATUS_LABELS.get(d.status, d.status)),
                        "state": d.status,
                        "attempts": str(d.attempts),
                        "created": _when(d.created_at),
                        "last": _when(d.last_attempt_at),
                        "next": _when(d.next_at) if d.status == "pending" else "",
                        "response": "—" if d.response_status is None else str(d.response_status),
                        "excerpt": d.response_excerpt,
                        "payload": d.payload,
                    }
                    for d in found
                ]
        self.loaded = True

    def _types_of(self, values: dict[str, str]) -> list[str]:
        return [name for name in EVENT_TYPES if values.get(f"type-{name}")]

    @rx.event
    async def save(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, FORM_FIELDS)
        chosen = self._types_of(values)
        try:
            if self.editing.isdigit():
                await run_db(
                    hooks_admin.update_endpoint,
                    int(self.editing),
                    values["url"],
                    chosen,
                    values["description"],
                    actor_id=actor.id,
                )
                self.secret = self.secret_for = ""
                await self._say(msgid("Endpoint saved."))
            else:
                endpoint, secret = await run_db(
                    hooks_admin.create_endpoint, values["url"], chosen, values["description"], actor_id=actor.id
                )
                self.secret, self.secret_for = secret, endpoint.url
                await self._say(msgid("Endpoint registered. Copy its signing secret now: it is shown only once."))
        except DomainError as refused:
            self.draft, self.draft_types = values, chosen
            await self._say_refused(refused)
            return
        self.editing, self.draft, self.draft_types = "", {}, []
        await self._refresh()

    @rx.event
    async def edit(self, endpoint_id: str) -> None:
        if await self._staff() is None:
            return
        endpoint_id = clip(endpoint_id, SHORT_MAX)
        row = next((e for e in self.endpoints if e["id"] == endpoint_id), None)
        if row is None:
            return
        self.draft = {"url": row["url"], "description": row["description"]}
        self.draft_types = [name for name in row["events"].split(", ") if name in EVENT_TYPES]
        self.editing, self.message, self.secret = endpoint_id, "", ""

    @rx.event
    async def cancel_edit(self) -> None:
        if await self._staff() is None:
            return
        self.editing, self.draft, self.draft_types, self.message = "", {}, [], ""

    @rx.event
    async def set_enabled(self, endpoint_id: str, enabled: bool) -> None:
        actor = await self._staff()
        endpoint_id = clip(endpoint_id, SHORT_MAX)
        if actor is None or not endpoint_id.isdigit():
            return
        try:
            await run_db(hooks_admin.set_enabled, int(endpoint_id), bool(enabled), actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Endpoint enabled.") if enabled else msgid("Endpoint disabled."))
        await self._refresh()

    @rx.event
    async def rotate(self, endpoint_id: str) -> None:
        actor = await self._staff()
        endpoint_id = clip(endpoint_id, SHORT_MAX)
        if actor is None or not endpoint_id.isdigit():
            return
        try:
            secret = await run_db(hooks_admin.rotate_secret, int(endpoint_id), actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        row = next((e for e in self.endpoints if e["id"] == endpoint_id), {"url": ""})
        self.secret, self.secret_for = secret, row["url"]
        await self._say(msgid("New signing secret made. Copy it now: it is shown only once."))

    @rx.event
    async def hide_secret(self) -> None:
        if await self._staff() is None:
            return
        self.secret = self.secret_for = ""

    @rx.event
    async def show_log(self, endpoint_id: str) -> None:
        if await self._staff() is None:
            return
        endpoint_id = clip(endpoint_id, SHORT_MAX)
        row = next((e for e in self.endpoints if e["id"] == endpoint_id), None)
        if row is None:
            return
        self.log_for, self.log_url, self.page = endpoint_id, row["url"], 0
        await self._refresh()

    @rx.event
    async def replay(self, delivery_id: str) -> None:
        actor = await self._staff()
        delivery_id = clip(delivery_id, SHORT_MAX)
        if actor is None or not delivery_id.isdigit():
            return
        if delivery_id not in {d["id"] for d in self.deliveries}:
            return  # only a delivery of the log on screen
        try:
            await run_db(hooks_admin.replay, int(delivery_id), actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        self.page = 0
        await self._say(msgid("The event was queued again; its new delivery is at the top of the log."))
        await self._refresh()

    @rx.event
    async def reload_log(self) -> None:
        if await self._staff() is None:
            return
        await self._refresh()

    @rx.event
    async def add_site(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        site = form_values(form, {"origin": 300})["origin"]
        try:
            origin = await run_db(widget_origins.add, site, actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("{origin} may now embed the widget."), origin=origin)
        await self._refresh()

    @rx.event
    async def remove_site(self, origin: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        origin = clip(origin, 300)
        if origin not in self.widget_sites:
            return
        await run_db(widget_origins.remove, origin, actor_id=actor.id)
        await self._say(msgid("{origin} may no longer embed the widget."), origin=origin)
        await self._refresh()
