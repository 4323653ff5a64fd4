"""`/support`: reach a person — contact form, phone, hours, FAQ, my requests."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.forms import email_field, labelled_field, text_field, textarea_field
from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.support.chat import chat_line, topic_select
from ticketapp.state.locale import t
from ticketapp.state.support.help import SupportPageState as Page


def _contact_form() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Write to us"), as_="h2", size="5", id="contact-title"),
        rx.el.form(
            rx.vstack(
                rx.cond(
                    Page.signed_in,
                    rx.fragment(),
                    rx.fragment(
                        text_field(t("Name"), "contact-name", name="name", auto_complete="name", required=True),
                        email_field(t("E-mail"), "contact-email", name="email", auto_complete="email", required=True),
                    ),
                ),
                labelled_field(t("Topic"), topic_select("contact-topic"), "contact-topic"),
                text_field(t("Subject"), "contact-subject", name="subject", max_length=200, required=True),
                textarea_field(t("Message"), "contact-message", name="message", rows=5, max_length=4000, required=True),
                rx.button(t("Send request"), type="submit"),
                rx.box(
                    rx.cond(
                        Page.form_error != "", rx.callout(Page.form_error, color_scheme="red", icon="circle_alert")
                    ),
                    rx.cond(Page.form_done != "", rx.callout(Page.form_done, color_scheme="green", icon="check")),
                    role="status",
                    aria_live="polite",
                ),
                spacing="3",
                align="stretch",
                max_width="36rem",
            ),
            on_submit=Page.submit_contact,
            reset_on_submit=True,
        ),
        aria_labelledby="contact-title",
    )


def _contact_details() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Call us"), as_="h2", size="5", id="phone-title"),
        # No number configured: no empty, nameless link.
        rx.cond(Page.phone != "", rx.text(rx.link(Page.phone, href="tel:" + Page.phone), size="4", weight="bold")),
        rx.heading(t("Opening hours"), as_="h3", size="3"),
        rx.el.ul(rx.foreach(Page.hours, lambda line: rx.el.li(line))),
        aria_labelledby="phone-title",
    )


def _faq_item(entry: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.details(
        rx.el.summary(entry["question"], font_weight="500", cursor="pointer"),
        rx.text(entry["answer"], white_space="pre-wrap", padding_y="0.5rem"),
        border_bottom="1px solid var(--gray-a5)",
        padding_y="0.5rem",
    )


def _faq() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Frequently asked questions"), as_="h2", size="5", id="faq-title"),
        rx.cond(
            Page.faq.length() > 0,
            rx.box(rx.foreach(Page.faq, _faq_item)),
            rx.text(t("No questions here yet."), color_scheme="gray"),
        ),
        aria_labelledby="faq-title",
    )


def _request_row(request: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.button(
                request["reference"],
                variant="ghost",
                on_click=Page.open_request(request["id"]),
                aria_label=t("Open request") + " " + request["reference"],
            )
        ),
        rx.el.td(request["subject"]),
        rx.el.td(request["status_label"]),
        rx.el.td(request["updated"]),
    )


def _my_requests() -> rx.Component:
    return rx.el.section(
        rx.heading(t("My requests"), as_="h2", size="5", id="requests-title"),
        rx.cond(
            Page.my_requests.length() > 0,
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(t("Reference"), scope="col"),
                        rx.el.th(t("Subject"), scope="col"),
                        rx.el.th(t("Status"), scope="col"),
                        rx.el.th(t("Last update"), scope="col"),
                    )
                ),
                rx.el.tbody(rx.foreach(Page.my_requests, _request_row)),
                class_name="support-table",
            ),
            rx.text(t("You have no requests yet."), color_scheme="gray"),
        ),
        rx.cond(
            Page.selected_id != "",
            rx.vstack(
                rx.heading(t("Conversation"), " ", Page.selected_reference, as_="h3", size="4"),
                rx.el.ol(
                    rx.foreach(Page.conversation, lambda m: chat_line(m, Page.download)),
                    class_name="chat-log",
                    max_height="none",
                ),
                rx.el.form(
                    textarea_field(t("Your reply"), "request-reply", name="reply", rows=3, max_length=4000),
                    rx.button(t("Send reply"), type="submit", margin_top="0.5rem"),
                    on_submit=Page.reply,
                    reset_on_submit=True,
                ),
                rx.cond(Page.reply_error != "", rx.text(Page.reply_error, color_scheme="red", role="alert")),
                align="stretch",
                width="100%",
                max_width="40rem",
                padding_top="1rem",
            ),
        ),
        aria_labelledby="requests-title",
    )


@rx.page(route="/support", title=page_title(t("Support")), on_load=[Page.load])
def support_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Help and support"), as_="h1", size="7"),
            rx.text(t("Chat with us, call us, or write to us: a person will answer."), color_scheme="gray"),
            rx.grid(
                _contact_form(),
                rx.vstack(_contact_details(), spacing="3"),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="6",
                width="100%",
            ),
            rx.cond(Page.signed_in, _my_requests()),
            _faq(),
            spacing="5",
            width="100%",
        ),
        on_language_change=[Page.load],
    )
