"""`/checkin`: the door page for staff (event choice, manual code entry, live counter)."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.qr_camera import qr_camera
from ticketapp.state.checkin import CheckinState
from ticketapp.state.locale import t

# Each outcome differs by icon, wording and colour (dark tones, white text: AA contrast),
# so it reads without relying on colour vision.
RESULT_STYLES = {
    "valid": ("circle-check", "#1b5e20"),
    "already_used": ("history", "#a14400"),
    "void": ("ban", "#9b1c1c"),
    "wrong_event": ("calendar-x", "#5b21b6"),
    "forged": ("shield-alert", "#111111"),
    "unknown": ("circle-help", "#374151"),
    "wrong_gate": ("door-closed", "#7c2d12"),
    "exited": ("log-out", "#1e3a8a"),
    "not_inside": ("circle-help", "#374151"),
}


def _result_panel(outcome: str, icon: str, background: str) -> tuple[str, rx.Component]:
    return (
        outcome,
        rx.hstack(
            rx.icon(icon, size=64, aria_hidden="true"),
            rx.vstack(
                rx.text(CheckinState.result_title, size="8", weight="bold"),
                rx.text(CheckinState.result_detail, size="5"),
                rx.foreach(CheckinState.result_answers, lambda line: rx.text(line, size="4")),
                spacing="1",
                align="start",
            ),
            background=background,
            color="white",
            padding="1.5rem",
            border_radius="12px",
            width="100%",
            align="center",
            spacing="4",
        ),
    )


def _result() -> rx.Component:
    panels = [_result_panel(outcome, icon, color) for outcome, (icon, color) in RESULT_STYLES.items()]
    return rx.box(
        rx.match(CheckinState.outcome, *panels, rx.fragment()),
        role="status",
        aria_live="polite",
        aria_atomic="true",
        width="100%",
    )


def _error() -> rx.Component:
    return rx.box(
        rx.cond(
            CheckinState.message != "",
            rx.callout(CheckinState.message, icon="triangle_alert", color_scheme="red"),
            rx.fragment(),
        ),
        role="alert",
        width="100%",
    )


def _unlock_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(t("Door staff: enter your check-in token to start scanning.")),
            rx.el.label(t("Staff token"), html_for="staff-token"),
            rx.input(id="staff-token", name="staff_token", type="password", auto_complete="off", width="100%"),
            rx.button(t("Unlock"), type="submit"),
            rx.text(
                t("Agents and admins can also"),
                " ",
                rx.link(t("sign in"), href="/signin?next=%2Fcheckin"),
                ".",
                size="2",
            ),
            spacing="2",
            align="start",
            max_width="32rem",
        ),
        on_submit=CheckinState.unlock,
        reset_on_submit=True,
    )


def _event_picker() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Event"), html_for="checkin-event"),
        rx.el.select(
            rx.el.option(t("Choose an event"), value="", disabled=True),
            rx.foreach(CheckinState.events, lambda e: rx.el.option(e["label"], value=e["id"])),
            id="checkin-event",
            value=CheckinState.event_id,
            on_change=CheckinState.choose_event,
            class_name="language-select",
            max_width="100%",  # a long event name must not widen the page on a phone
        ),
        spacing="1",
        align="start",
        width="100%",
    )


def _gate_picker() -> rx.Component:
    """Which gate this door is (its ticket types only), and entry or exit scans when re-entry is allowed."""
    return rx.vstack(
        rx.cond(
            CheckinState.gates.length() > 0,
            rx.vstack(
                rx.el.label(t("Gate"), html_for="checkin-gate"),
                rx.el.select(
                    rx.el.option(t("Any gate"), value=""),
                    rx.foreach(CheckinState.gates, lambda g: rx.el.option(g["name"], value=g["id"])),
                    id="checkin-gate",
                    value=CheckinState.gate_id,
                    on_change=CheckinState.choose_gate,
                    class_name="language-select",
                ),
                spacing="1",
                align="start",
                width="100%",
            ),
        ),
        rx.cond(
            CheckinState.reentry_allowed,
            rx.el.label(
                rx.el.input(
                    type="checkbox",
                    id="checkin-exit",
                    checked=CheckinState.exit_mode,
                    on_change=CheckinState.set_exit_mode,
                    style={"width": "1.5rem", "height": "1.5rem"},
                ),
                " ",
                t("Exit scans (people leaving; they may come back in)"),
                html_for="checkin-exit",
                style={"display": "flex", "gap": "0.5rem", "alignItems": "center"},
            ),
        ),
        spacing="2",
        width="100%",
    )


def _counter() -> rx.Component:
    return rx.hstack(
        rx.text(t("Checked in"), weight="bold"),
        rx.text(CheckinState.checked_in, size="6", weight="bold"),
        rx.text("/"),
        rx.text(CheckinState.sold, size="6"),
        rx.text(t("sold")),
        align="baseline",
        spacing="2",
        role="status",
        aria_live="polite",
    )


def _code_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(t("Ticket code"), html_for="checkin-code"),
            rx.text(
                t("Type the code printed under the QR, or scan the QR with a handheld scanner into this field."),
                id="checkin-code-hint",
                size="2",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.input(
                    id="checkin-code",
                    name="code",
                    auto_complete="off",
                    auto_capitalize="characters",
                    placeholder="ABCD-EFGH",
                    aria_describedby="checkin-code-hint",
                    size="3",
                ),
                rx.button(rx.cond(CheckinState.exit_mode, t("Record exit"), t("Check in")), type="submit", size="3"),
            ),
            spacing="1",
            align="start",
        ),
        on_submit=CheckinState.submit_code,
        # Cleared in the browser at once: a field cleared later by the server could wipe the next code already typed.
        reset_on_submit=True,
    )


def _camera() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Camera scanner"), as_="h2", size="4", id="checkin-camera-heading"),
        rx.cond(
            CheckinState.camera_on,
            rx.button(t("Stop camera"), on_click=CheckinState.stop_camera, variant="outline", size="3"),
            rx.button(t("Start camera"), on_click=CheckinState.start_camera, size="3"),
        ),
        rx.text(CheckinState.camera_status, role="status", aria_live="polite", size="2"),
        qr_camera(
            active=CheckinState.camera_on,
            label=t("Camera view"),
            on_scan=CheckinState.scan_camera,
            on_camera_start=CheckinState.camera_started,
            on_camera_error=CheckinState.camera_failed,
        ),
        aria_labelledby="checkin-camera-heading",
        style={"display": "flex", "flexDirection": "column", "gap": "0.5rem", "alignItems": "start", "width": "100%"},
    )


def _door() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(t("Scanning as"), " ", rx.text.strong(CheckinState.staff_name)),
            rx.button(t("Lock"), on_click=CheckinState.lock, variant="outline", size="1"),
            align="center",
            spacing="3",
        ),
        _event_picker(),
        rx.cond(
            CheckinState.event_id != "",
            rx.vstack(_gate_picker(), _counter(), _camera(), _code_form(), _result(), width="100%"),
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/checkin", title=page_title(t("Check-in")), on_load=[CheckinState.load])
def checkin_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Check-in"), as_="h1", size="8"),
            _error(),
            rx.cond(CheckinState.loaded & ~CheckinState.forbidden, _door(), _unlock_form()),
            spacing="4",
            width="100%",
        ),
        on_language_change=[CheckinState.load],
    )
