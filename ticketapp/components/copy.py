"""Copy-to-clipboard and share buttons: all in the browser (no server round trip), with a polite
status beside the button saying it worked."""

from __future__ import annotations

import json

import reflex as rx

from ticketapp.state.locale import t

_SHOW_DONE = "(() => { const s = document.getElementById(%s); if (s) s.textContent = s.dataset.done; })"


def _status(status_id: str, done: rx.Var[str]) -> rx.Component:
    return rx.el.span(
        id=status_id, role="status", aria_live="polite", custom_attrs={"data-done": done}, class_name="copy-status"
    )


def copy_button(source_id: str, label: rx.Var[str]) -> rx.Component:
    """Copies the text of the element `source_id` (what the reader sees is what is copied)."""
    status_id = f"{source_id}-copied"
    script = (
        f"navigator.clipboard.writeText(document.getElementById({json.dumps(source_id)}).textContent.trim())"
        f".then({_SHOW_DONE % json.dumps(status_id)})"
    )
    return rx.hstack(
        rx.button(
            rx.icon("copy", aria_hidden="true", size=14),
            t("Copy"),
            type="button",
            aria_label=label,
            on_click=rx.call_script(script),
            size="1",
            variant="soft",
            color_scheme="gray",
            high_contrast=True,
        ),
        _status(status_id, t("Copied")),
        align="center",
        spacing="2",
    )


def share_button(status_id: str = "share-status") -> rx.Component:
    """The phone's share sheet where the browser has one (navigator.share), else the page's link is copied."""
    show = _SHOW_DONE % json.dumps(status_id)
    script = (
        "(() => { const url = window.location.origin + window.location.pathname;"
        " if (navigator.share) { return navigator.share({ title: document.title, url }).catch(() => null); }"
        f" return navigator.clipboard.writeText(url).then({show}); }})()"
    )
    return rx.hstack(
        rx.button(
            rx.icon("share-2", aria_hidden="true", size=16),
            t("Share"),
            type="button",
            on_click=rx.call_script(script),
            variant="soft",
            color_scheme="gray",
            high_contrast=True,
        ),
        _status(status_id, t("Link copied")),
        align="center",
        spacing="2",
    )
