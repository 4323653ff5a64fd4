"""The door page `/checkin`: choose an event, type a code, see the answer.

Who may scan is decided in one place, `_staff_viewer()`: a signed-in agent or
admin (second factor given), or — for shared door devices — a staff API token
typed on the page. Every handler asks it again (`_staff()`); a refusal locks the page.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import msgid, translate
from ticketapp.models import Event, Role
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.questions import answers as questions
from ticketapp.services.shared import bus
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.tickets.checkin import (
    CheckinEvent,
    EmptyScanError,
    ScanOutcome,
    ScanResult,
    checkin_counter,
    checkin_events,
    event_gates,
    scan,
)
from ticketapp.services.tickets.staff_tokens import viewer_for_staff_token
from ticketapp.services.tickets.tokens import get_signing_key, public_key
from ticketapp.state import live
from ticketapp.state.base import StaffPageState, staff_viewer
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

# A QR held in front of the camera is decoded several times a second: the same text
# within this window is the same presentation, not a second scan.
CAMERA_DEDUP_S = 3.0

OUTCOME_TITLES = {
    ScanOutcome.VALID: msgid("Valid: let in"),
    ScanOutcome.ALREADY_USED: msgid("Already used"),
    ScanOutcome.VOID: msgid("Void: refunded or cancelled"),
    ScanOutcome.WRONG_EVENT: msgid("Wrong event"),
    ScanOutcome.FORGED: msgid("Forged: not a genuine ticket"),
    ScanOutcome.UNKNOWN: msgid("Unknown code"),
    ScanOutcome.WRONG_GATE: msgid("Wrong gate: not this door"),
    ScanOutcome.EXITED: msgid("Exit recorded: may come back in"),
    ScanOutcome.NOT_INSIDE: msgid("Not inside: no exit to record"),
}


def _event_option(event: CheckinEvent, lang: str) -> dict[str, str]:
    when = format_event_datetime(event.starts_at, event.timezone, lang)
    return {"id": str(event.id), "label": f"{event.title} · {when}"}


def _result_detail(result: ScanResult, timezone: str, lang: str) -> str:
    if result.outcome == ScanOutcome.VALID:
        again = " · " + translate(lang, "Back in after an exit scan.") if result.reentry else ""
        return f"{result.attendee_name or ''} · {result.ticket_type or ''} · {result.ticket_code}{again}"
    if result.outcome == ScanOutcome.WRONG_GATE:
        if not result.gates:
            return translate(lang, "{type} tickets do not enter at this gate.", type=result.ticket_type or "")
        return translate(
            lang, "{type} tickets enter at: {gates}.", type=result.ticket_type or "", gates=", ".join(result.gates)
        )
    if result.outcome == ScanOutcome.ALREADY_USED and result.checked_in_at is not None:
        when = format_event_datetime(result.checked_in_at, timezone, lang)
        staff = result.checked_in_by or translate(lang, "unknown staff member")
        return translate(lang, "Checked in on {when} by {staff}.", when=when, staff=staff)
    if result.outcome == ScanOutcome.WRONG_EVENT:
        return translate(lang, "This ticket is for another event.")
    if result.outcome == ScanOutcome.FORGED:
        return translate(lang, "The signature does not match: do not let in.")
    if result.outcome == ScanOutcome.UNKNOWN:
        return translate(lang, "No ticket has this code. Check the spelling.")
    return f"{result.attendee_name or ''} · {result.ticket_type or ''}"


def _scan_for_event(
    session: Session, event_id: int, scanned: str, staff_id: int, gate_id: int | None, exit_scan: bool
) -> ScanResult:
    key = public_key(get_signing_key())
    return scan(session, event_id, scanned, staff_id, key, gate_id=gate_id, exit_scan=exit_scan)


def _door_setup(session: Session, event_id: int) -> tuple[list[dict[str, str]], bool]:
    """The event's gates (id, name) and whether it lets people back in after an exit scan."""
    event = session.get(Event, event_id)
    found = [{"id": str(gate.id), "name": gate.name} for gate in event_gates(session, event_id)]
    return found, bool(event and event.reentry_allowed)


class CheckinState(SentWhenUsed, StaffPageState, rx.State):
    """`forbidden` is the locked page (the token form); `loaded` and not `forbidden`, the door."""

    _staff_role: ClassVar[Role] = Role.AGENT
    staff_name: str = ""
    events: list[dict[str, str]] = []
    event_id: str = ""
    outcome: str = ""
    result_title: str = ""
    result_detail: str = ""
    result_answers: list[str] = []  # "Question: answer" of questions shown at check-in
    checked_in: int = 0
    sold: int = 0
    camera_on: bool = False
    camera_status: str = ""
    gates: list[dict[str, str]] = []  # the chosen event's gates
    gate_id: str = ""  # "" = any gate
    reentry_allowed: bool = False
    exit_mode: bool = False  # scans record exits (only when the event allows re-entry)
    _staff_token: str = ""
    _event_timezones: dict[str, str] = {}
    _last_camera_text: str = ""
    _last_camera_at: float = 0.0

    async def _staff_viewer(self) -> Viewer | None:
        """The staff member using this page, or None: the page then refuses everything."""
        viewer = await staff_viewer(self, self._staff_role)
        if viewer is None and self._staff_token:
            return await run_db(viewer_for_staff_token, self._staff_token)
        return viewer

    def _refuse(self) -> None:
        self._lock()

    def _lock(self) -> None:
        live.follow(self)  # a locked door follows no counter
        self.forbidden, self.staff_name, self._staff_token = True, "", ""
        self.camera_on, self.camera_status = False, ""
        self.events, self.event_id = [], ""
        self.gates, self.gate_id, self.reentry_allowed, self.exit_mode = [], "", False, False
        self._clear_result()

    def _clear_result(self) -> None:
        self.outcome, self.result_title, self.result_detail, self.result_answers = "", "", "", []

    async def _open_door(self, staff: Viewer) -> None:
        lang = await current_lang(self)
        found = await run_db(checkin_events)
        self.staff_name = staff.name
        self.events = [_event_option(event, lang) for event in found]
        self._event_timezones = {str(event.id): event.timezone for event in found}
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        staff = await self._staff()
        if staff is not None:
            await self._open_door(staff)

    @rx.event
    async def unlock(self, form_data: dict[str, str]) -> None:
        token = str(form_data.get("staff_token", "")).strip()
        staff = await run_db(viewer_for_staff_token, token)
        if staff is None:
            self._lock()
            await self._say(msgid("This staff token is not valid."), error=True)
            return
        self._staff_token, self.forbidden, self.message = token, False, ""
        await self._open_door(staff)

    @rx.event
    def lock(self) -> None:
        self._lock()
        self.message = ""

    @rx.event
    async def choose_event(self, event_id: str) -> None:
        if await self._staff() is None or event_id not in self._event_timezones:
            self._lock()
            return
        self.event_id = event_id
        self._clear_result()
        self._last_camera_text = ""  # the same ticket may be shown again for the new event
        # Live counter: other doors scan too, so follow this event's check-ins while it stays chosen.
        live.follow(self, bus.checkin_topic(int(event_id)))
        self.gates, self.reentry_allowed = await run_db(_door_setup, int(event_id))
        self.gate_id, self.exit_mode = "", False
        await self._refresh_counter()

    @rx.event
    async def choose_gate(self, gate_id: str) -> None:
        """The gate this door is: its ticket types only ("" = any gate)."""
        if await self._staff() is None:
            self._lock()
            return
        if gate_id == "" or gate_id in {gate["id"] for gate in self.gates}:
            self.gate_id = gate_id
            self._clear_result()

    @rx.event
    async def set_exit_mode(self, on: bool) -> None:
        if await self._staff() is None:
            self._lock()
            return
        self.exit_mode = on is True and self.reentry_allowed  # a crafted "false" string is not on
        self._clear_result()

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """Someone was let in at a door of the chosen event (state/live.py)."""
        if self.forbidden or topic != bus.checkin_topic(int(self.event_id or 0)):
            return
        await self._refresh_counter()

    async def _refresh_counter(self) -> None:
        if not self.event_id:
            return
        counter = await run_db(checkin_counter, int(self.event_id))
        self.checked_in, self.sold = counter.checked_in, counter.sold

    async def _scan(self, scanned: str) -> None:
        """Scan a typed code or a QR token for the chosen event and show the answer."""
        staff = await self._staff()
        if staff is None:
            return
        if not self.event_id:
            await self._say(msgid("Choose an event first."), error=True)
            return
        try:
            gate = int(self.gate_id) if self.gate_id.isdigit() else None
            exit_scan = self.exit_mode and self.reentry_allowed
            result = await run_db(_scan_for_event, int(self.event_id), scanned, staff.id, gate, exit_scan)
        except EmptyScanError:
            self._clear_result()
            await self._say(msgid("Type a ticket code."), error=True)
            return
        lang = await current_lang(self)
        self.message = ""
        self.outcome = result.outcome.value
        self.result_title = translate(lang, OUTCOME_TITLES[result.outcome])
        self.result_detail = _result_detail(result, self._event_timezones.get(self.event_id, "UTC"), lang)
        code = result.ticket_code if result.outcome in (ScanOutcome.VALID, ScanOutcome.ALREADY_USED) else None
        door = await run_db(questions.checkin_answers_for_code, code, lang) if code else []
        self.result_answers = [f"{question}: {answer}" for question, answer in door]
        await self._refresh_counter()

    @rx.event
    async def submit_code(self, form_data: dict[str, str]) -> None:
        await self._scan(str(form_data.get("code", "")))

    @rx.event
    async def start_camera(self) -> None:
        lang = await current_lang(self)
        if await self._staff() is None:
            return
        self.camera_on = True
        self.camera_status = translate(lang, "Starting the camera…")
        self._last_camera_text, self._last_camera_at = "", 0.0

    @rx.event
    async def stop_camera(self) -> None:
        lang = await current_lang(self)
        self.camera_on = False
        self.camera_status = translate(lang, "Camera off.")

    @rx.event
    async def camera_started(self) -> None:
        lang = await current_lang(self)
        if self.camera_on:
            self.camera_status = translate(lang, "Camera on: hold the ticket’s QR code in front of it.")

    @rx.event
    async def camera_failed(self, reason: str) -> None:
        # The browser's reason (NotAllowedError, "Camera not found.", …) is not shown: staff need what to do.
        lang = await current_lang(self)
        self.camera_on = False
        self.camera_status = translate(
            lang, "The camera could not start: access was refused or there is no camera. Type the code below instead."
        )

    @rx.event
    async def scan_camera(self, scanned: str) -> None:
        """A QR decoded by the camera: scanned once per presentation, not once per video frame."""
        text, now = str(scanned).strip(), time.time()
        if not self.camera_on or not text:
            return
        if text == self._last_camera_text and now - self._last_camera_at < CAMERA_DEDUP_S:
            self._last_camera_at = now  # still in view: keep ignoring it until it leaves for a while
            return
        self._last_camera_text, self._last_camera_at = text, now
        await self._scan(text)
