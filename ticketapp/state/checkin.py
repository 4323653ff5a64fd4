"""The door page `/checkin`: choose an event, type a code, see the answer.

Who may scan is decided in one place, `_staff_user_id()`: a signed-in agent or
admin (second factor given), or — for shared door devices — a staff API token
typed on the page. Every handler asks it again.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx
from sqlmodel import Session

from ticketapp.db import session_scope
from ticketapp.i18n import msgid, translate
from ticketapp.models import User
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.tickets.checkin import (
    CheckinEvent,
    EmptyScanError,
    ScanOutcome,
    ScanResult,
    checkin_counter,
    checkin_events,
    scan,
)
from ticketapp.services.tickets.staff_tokens import authenticate_staff_token
from ticketapp.services.tickets.tokens import get_signing_key, public_key
from ticketapp.state.account.auth import current_user
from ticketapp.state.locale import current_lang

COUNTER_REFRESH_S = 4
# The live counter stops polling after this many refreshes (~1 h); choosing the event again restarts it.
COUNTER_MAX_REFRESHES = 900
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
}


def _event_option(event: CheckinEvent, lang: str) -> dict[str, str]:
    when = format_event_datetime(event.starts_at, event.timezone, lang)
    return {"id": str(event.id), "label": f"{event.title} · {when}"}


def _result_detail(result: ScanResult, timezone: str, lang: str) -> str:
    if result.outcome == ScanOutcome.VALID:
        return f"{result.attendee_name or ''} · {result.ticket_type or ''} · {result.ticket_code}"
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


class CheckinState(rx.State):
    unlocked: bool = False
    staff_name: str = ""
    events: list[dict[str, str]] = []
    event_id: str = ""
    outcome: str = ""
    result_title: str = ""
    result_detail: str = ""
    checked_in: int = 0
    sold: int = 0
    error: str = ""
    camera_on: bool = False
    camera_status: str = ""
    _staff_token: str = ""
    _event_timezones: dict[str, str] = {}
    _watch_generation: int = 0
    _last_camera_text: str = ""
    _last_camera_at: float = 0.0

    async def _staff_user_id(self, session: Session) -> int | None:
        """The staff member using this page, or None: the page then refuses everything."""
        user = await current_user(self)
        if user is not None and user.is_staff and user.fully_signed_in:
            return user.id
        if not self._staff_token:
            return None
        return authenticate_staff_token(session, self._staff_token)

    def _lock(self) -> None:
        self.unlocked, self.staff_name, self._staff_token = False, "", ""
        self.camera_on, self.camera_status = False, ""
        self.events, self.event_id = [], ""
        self._clear_result()

    def _clear_result(self) -> None:
        self.outcome, self.result_title, self.result_detail = "", "", ""

    async def _load_events(self, session: Session) -> None:
        lang = await current_lang(self)
        found = checkin_events(session)
        self.events = [_event_option(event, lang) for event in found]
        self._event_timezones = {str(event.id): event.timezone for event in found}

    @rx.event
    async def load(self) -> None:
        with session_scope() as session:
            staff_id = await self._staff_user_id(session)
            if staff_id is None:
                self._lock()
                return
            staff = session.get(User, staff_id)
            self.unlocked, self.staff_name = True, staff.display_name if staff else ""
            await self._load_events(session)

    @rx.event
    async def unlock(self, form_data: dict[str, str]) -> None:
        lang = await current_lang(self)
        token = str(form_data.get("staff_token", "")).strip()
        with session_scope() as session:
            staff_id = authenticate_staff_token(session, token) if token else None
            if staff_id is None:
                self._lock()
                self.error = translate(lang, "This staff token is not valid.")
                return
            staff = session.get(User, staff_id)
            self._staff_token, self.unlocked, self.error = token, True, ""
            self.staff_name = staff.display_name if staff else ""
            await self._load_events(session)

    @rx.event
    def lock(self) -> None:
        self._lock()
        self.error = ""

    @rx.event(background=True)
    async def choose_event(self, event_id: str) -> None:
        async with self:
            with session_scope() as session:
                if await self._staff_user_id(session) is None or event_id not in self._event_timezones:
                    self._lock()
                    return
            self.event_id = event_id
            self._clear_result()
            self._last_camera_text = ""  # the same ticket may be shown again for the new event
            self._watch_generation += 1
            generation = self._watch_generation
        # Live counter: other doors scan too, so poll while this event stays chosen.
        for _ in range(COUNTER_MAX_REFRESHES):
            async with self:
                if generation != self._watch_generation or not self.unlocked:
                    return
                self._refresh_counter()
            await asyncio.sleep(COUNTER_REFRESH_S)

    def _refresh_counter(self) -> None:
        if not self.event_id:
            return
        with session_scope() as session:
            counter = checkin_counter(session, int(self.event_id))
        self.checked_in, self.sold = counter.checked_in, counter.sold

    async def _scan(self, scanned: str) -> None:
        """Scan a typed code or a QR token for the chosen event and show the answer."""
        lang = await current_lang(self)
        with session_scope() as session:
            staff_id = await self._staff_user_id(session)
            if staff_id is None:
                self._lock()
                return
            if not self.event_id:
                self.error = translate(lang, "Choose an event first.")
                return
            try:
                result = scan(session, int(self.event_id), scanned, staff_id, public_key(get_signing_key()))
            except EmptyScanError:
                self._clear_result()
                self.error = translate(lang, "Type a ticket code.")
                return
        self.error = ""
        self.outcome = result.outcome.value
        self.result_title = translate(lang, OUTCOME_TITLES[result.outcome])
        self.result_detail = _result_detail(result, self._event_timezones.get(self.event_id, "UTC"), lang)
        self._refresh_counter()

    @rx.event
    async def submit_code(self, form_data: dict[str, str]) -> None:
        await self._scan(str(form_data.get("code", "")))

    @rx.event
    async def start_camera(self) -> None:
        lang = await current_lang(self)
        with session_scope() as session:
            if await self._staff_user_id(session) is None:
                self._lock()
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
