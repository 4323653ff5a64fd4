"""Agent panel: live chats (list with unread counts, the open chat)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from ticketapp.components.forms import TYPING_THROTTLE_MS, select_field, textarea_field
from ticketapp.components.support.chat import chat_line
from ticketapp.i18n import msgid
from ticketapp.state.locale import t
from ticketapp.state.support.agent_chats import AgentChatState as Chats


def select(
    select_id: str, name: str, options: dict[str, str], empty: str | None = None, **props: object
) -> rx.Component:
    choices = [rx.el.option(t(label), value=value) for value, label in options.items()]
    if empty is not None:
        choices.insert(0, rx.el.option(t(empty), value=""))
    return rx.el.select(*choices, id=select_id, name=name, class_name="field", **props)


def agent_options(agents: ArrayVar[list[dict[str, str]]]) -> rx.Component:
    return rx.foreach(agents, lambda agent: rx.el.option(agent["name"], value=agent["id"]))


# --- chats -------------------------------------------------------------------------------


def _view_button(view: str, label: str, count: rx.Var[int]) -> rx.Component:
    return rx.button(
        t(label),
        " (",
        count.to(str),
        ")",
        on_click=Chats.show(view),
        aria_pressed=(Chats.view == view).to(str),
        variant=rx.cond(Chats.view == view, "solid", "soft"),
    )


def _chat_row(chat: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(chat["customer"], rx.el.br(), rx.text(chat["email"], size="1", color_scheme="gray")),
        rx.el.td(chat["topic"]),
        rx.el.td(chat["status"], rx.cond(chat["agent"] != "", rx.text(chat["agent"], size="1"))),
        rx.el.td(
            rx.cond(
                chat["unread"] != "0",
                rx.badge(chat["unread"], color_scheme="red", aria_label=chat["unread"] + " " + t("unread")),
                rx.text("0", color_scheme="gray"),
            )
        ),
        rx.el.td(chat["since"]),
        rx.el.td(
            rx.button(
                # Not t("Open"): French reads that one as the status ("Ouverte"), not the verb its name starts with.
                t("Open chat"),
                size="1",
                on_click=Chats.open_chat(chat["id"]),
                aria_label=t("Open chat with") + " " + chat["customer"],
            )
        ),
    )


def _open_chat() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Chat with"), " ", Chats.chat_customer, as_="h3", size="4", id="open-chat-title"),
        rx.el.ol(
            rx.foreach(Chats.chat_messages, lambda m: chat_line(m)),
            role="log",
            aria_live="polite",
            aria_label=t("Chat messages"),
            class_name="chat-log",
        ),
        rx.box(
            rx.cond(Chats.customer_typing, rx.text(t("The customer is typing…"), size="1", color_scheme="gray")),
            role="status",
            min_height="1.25rem",
        ),
        rx.cond(
            Chats.chat_closed,
            rx.text(t("This chat is closed. Request:"), " ", Chats.chat_ticket),
            rx.vstack(
                rx.cond(Chats.chat_agent_id == "", rx.button(t("Take chat"), on_click=Chats.take)),
                rx.el.form(
                    textarea_field(
                        t("Reply to the customer"),
                        "agent-chat-message",
                        name="message",
                        rows=2,
                        max_length=4000,
                        on_change=Chats.typing.throttle(TYPING_THROTTLE_MS),
                    ),
                    rx.button(t("Send"), type="submit", margin_top="0.5rem"),
                    on_submit=Chats.send,
                    reset_on_submit=True,
                ),
                rx.hstack(
                    rx.el.form(
                        select_field(t("Transfer to"), "transfer-agent", agent_options(Chats.agents), name="agent_id"),
                        rx.button(t("Transfer"), type="submit", variant="soft", margin_top="0.5rem"),
                        on_submit=Chats.transfer,
                    ),
                    rx.button(t("Close chat into a request"), on_click=Chats.close_chat, color_scheme="gray"),
                    align="end",
                    spacing="4",
                ),
                align="stretch",
            ),
        ),
        aria_labelledby="open-chat-title",
        padding_top="1rem",
    )


def chats_section() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Live chats"), as_="h2", size="5", id="chats-title"),
        rx.hstack(
            _view_button("waiting", msgid("Waiting"), Chats.waiting_count),
            _view_button("mine", msgid("Mine"), Chats.mine_count),
            _view_button("all", msgid("All"), Chats.all_count),
            role="group",
            aria_label=t("Which chats"),
            wrap="wrap",
        ),
        rx.text(t("Chats waiting:"), " ", Chats.waiting_count.to(str), role="status", class_name="visually-hidden"),
        rx.cond(
            Chats.chats.length() > 0,
            # Scrolls sideways inside its box on a narrow screen, not the page (WCAG 1.4.10).
            rx.box(
                rx.el.table(
                    rx.el.thead(
                        rx.el.tr(
                            *[
                                rx.el.th(t(label), scope="col")
                                for label in (
                                    msgid("Customer"),
                                    msgid("Topic"),
                                    msgid("Status"),
                                    msgid("Unread"),
                                    msgid("Started"),
                                    msgid("Actions"),
                                )
                            ]
                        )
                    ),
                    rx.el.tbody(rx.foreach(Chats.chats, _chat_row)),
                    class_name="support-table",
                    aria_labelledby="chats-title",
                ),
                class_name="table-scroll",
                width="100%",
                tab_index=0,
            ),
            rx.text(t("No chats here."), color_scheme="gray"),
        ),
        rx.cond(Chats.chat_id != "", _open_chat()),
        aria_labelledby="chats-title",
    )
