"""The chat launcher and panel shown on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import ObjectVar

from ticketapp.components.focus import chat_focus_hooks
from ticketapp.components.forms import (
    TYPING_THROTTLE_MS,
    email_field,
    labelled_field,
    labelled_upload,
    select_field,
    text_field,
)
from ticketapp.services.support.tickets import TOPICS
from ticketapp.state.locale import t
from ticketapp.state.support.chat import CHAT_UPLOAD_ID
from ticketapp.state.support.chat import SupportChatState as Chat


def topic_select(select_id: str, name: str = "topic") -> rx.Component:
    return rx.el.select(
        *[rx.el.option(t(label), value=value) for value, label in TOPICS.items()],
        id=select_id,
        name=name,
        default_value="other",
        class_name="field",
    )


def chat_line(
    message: ObjectVar[dict[str, str]], on_download: Callable[[rx.Var[str]], EventSpec] | None = None
) -> rx.Component:
    return rx.el.li(
        rx.cond(
            message["kind"] == "system",
            rx.text(message["body"], size="1", color_scheme="gray", align="center", width="100%"),
            rx.box(
                rx.text(
                    rx.el.strong(message["author"]),
                    " · ",
                    rx.el.time(message["time"]),
                    size="1",
                    color_scheme="gray",
                ),
                rx.text(message["body"], white_space="pre-wrap", size="2"),
                _attachment(message, on_download),
                rx.cond(message["read"] != "", rx.text(message["read"], size="1", color_scheme="gray")),
                class_name=rx.cond(message["mine"] == "1", "chat-bubble chat-bubble-mine", "chat-bubble"),
            ),
        ),
        list_style="none",
    )


def chat_log(
    messages: rx.Var[list[dict[str, str]]],
    label: rx.Var[str],
    on_download: Callable[[rx.Var[str]], EventSpec] | None = None,
) -> rx.Component:
    """A live conversation: a `role=log` region (new lines are read out politely) holding its lines as a list.
    `role=log` on the `<ol>` itself would replace the list's role and leave its items outside any list."""
    return rx.box(
        rx.el.ol(rx.foreach(messages, lambda m: chat_line(m, on_download)), class_name="chat-log"),
        role="log",
        aria_live="polite",
        aria_label=label,
        # A reversed flex column around the list: browsers keep it scrolled to the newest line, no script needed,
        # while the list (what screen readers read) stays in reading order.
        class_name="chat-scroll",
    )


def _attachment(
    message: ObjectVar[dict[str, str]], on_download: Callable[[rx.Var[str]], EventSpec] | None
) -> rx.Component:
    if on_download is None:
        return rx.fragment()
    return rx.cond(
        message["attachment"] != "",
        rx.button(
            rx.icon("paperclip", aria_hidden="true", size=14),
            message["attachment"],
            on_click=on_download(message["id"]),
            aria_label=t("Download attachment") + " " + message["attachment"],
            size="1",
            variant="soft",
        ),
    )


def _start_form() -> rx.Component:
    return rx.el.form(
        rx.vstack(
            rx.cond(
                Chat.signed_in,
                rx.text(t("You are signed in as"), " ", rx.el.strong(Chat.viewer_name), size="2"),
                rx.fragment(
                    text_field(
                        t("Your name"), "chat-guest-name", name="guest_name", auto_complete="name", required=True
                    ),
                    email_field(
                        t("Your e-mail"), "chat-guest-email", name="guest_email", auto_complete="email", required=True
                    ),
                ),
            ),
            labelled_field(t("Topic"), topic_select("chat-topic"), "chat-topic"),
            rx.cond(
                Chat.orders.length() > 0,
                select_field(
                    t("About an order (optional)"),
                    "chat-order",
                    [
                        rx.el.option(t("No order"), value=""),
                        rx.foreach(Chat.orders, lambda order: rx.el.option(order["label"], value=order["id"])),
                    ],
                    name="order_id",
                ),
            ),
            rx.button(t("Start chat"), type="submit"),
            spacing="2",
            align="stretch",
        ),
        on_submit=Chat.start,
        reset_on_submit=False,
    )


def _conversation() -> rx.Component:
    return rx.vstack(
        chat_log(Chat.messages, t("Conversation")),
        rx.box(
            rx.cond(Chat.agent_typing, rx.text(t("The agent is typing…"), size="1", color_scheme="gray")),
            role="status",
            min_height="1.25rem",
        ),
        rx.cond(
            Chat.closed,
            rx.vstack(
                rx.text(t("This chat has ended. You can find it under “My requests” on the support page."), size="2"),
                rx.button(t("Start a new chat"), on_click=Chat.new_chat, variant="soft"),
                align="stretch",
            ),
            rx.el.form(
                rx.vstack(
                    rx.el.label(t("Your message"), html_for="chat-message", class_name="visually-hidden"),
                    rx.el.textarea(
                        id="chat-message",
                        name="message",
                        # At most one call a second while typing (the typing sign), not one per key.
                        on_change=Chat.set_draft.throttle(TYPING_THROTTLE_MS),
                        rows=2,
                        max_length=4000,
                        class_name="field",
                    ),
                    rx.button(t("Send"), type="submit"),
                    align="stretch",
                    spacing="2",
                ),
                on_submit=Chat.send,
                reset_on_submit=True,
            ),
        ),
        rx.cond(
            Chat.closed,
            rx.fragment(),
            _attachment_picker(),
        ),
        spacing="2",
        align="stretch",
        width="100%",
    )


def _attachment_picker() -> rx.Component:
    """Send an image or a PDF (≤ 5 MB; checked by content on the server)."""
    return rx.hstack(
        labelled_upload(
            t("Attach an image or PDF"),
            rx.text(t("Attach an image or PDF"), size="1"),
            rx.text(rx.selected_files(CHAT_UPLOAD_ID), size="1", color_scheme="gray"),
            id=CHAT_UPLOAD_ID,
            accept={
                "image/png": [".png"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/gif": [".gif"],
                "image/webp": [".webp"],
                "application/pdf": [".pdf"],
            },
            max_files=1,
            border="1px dashed var(--gray-a7)",
            padding="0.4rem",
            aria_label=t("Attach an image or PDF"),
        ),
        rx.button(
            t("Upload file"),
            type="button",
            variant="soft",
            on_click=Chat.send_attachment(rx.upload_files(upload_id=CHAT_UPLOAD_ID)),
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def chat_panel() -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(t("Chat with support"), as_="h2", size="3", id="chat-title"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("x", aria_hidden="true"),
                on_click=Chat.close_panel,
                aria_label=t("Close chat"),
                variant="ghost",
                id="chat-close",
            ),
            align="center",
            width="100%",
        ),
        rx.box(
            rx.cond(
                Chat.closed,
                rx.fragment(),
                rx.cond(
                    Chat.live_help,
                    rx.text(t("An agent is online."), size="2", color_scheme="green"),
                    rx.text(
                        t("No agent is online right now: leave a message and we will answer by e-mail."),
                        size="2",
                        color_scheme="orange",
                    ),
                ),
            ),
            rx.cond(Chat.ticket_notice != "", rx.text(Chat.ticket_notice, size="2", weight="medium")),
            rx.cond(Chat.error != "", rx.text(Chat.error, size="2", color_scheme="red")),
            role="status",
        ),
        rx.cond(Chat.started, _conversation(), _start_form()),
        id="chat-panel",
        aria_labelledby="chat-title",
        class_name="chat-panel",
        on_mount=Chat.watch,
    )


class ChatFocus(rx.Fragment):
    """Renders nothing; moves focus into the panel when it opens and closes it on Escape."""

    def add_imports(self) -> dict[str, list[rx.ImportVar]]:
        return {"react": [rx.ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list[str | rx.Var[Any]]:
        return chat_focus_hooks(Chat.panel_open)


def chat_launcher() -> rx.Component:
    return rx.box(
        ChatFocus.create(),
        rx.cond(Chat.panel_open, chat_panel()),
        rx.button(
            rx.icon("message_circle", aria_hidden="true"),
            # On a phone only the icon shows (styles.css): the label stays the button's name.
            rx.el.span(t("Chat with us"), class_name="chat-launcher-label"),
            id="chat-launcher",
            on_click=Chat.toggle_panel,
            aria_expanded=Chat.panel_open.to(str),
            aria_controls="chat-panel",
            size="3",
            radius="full",
        ),
        class_name="chat-dock",
    )
