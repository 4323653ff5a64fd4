"""The frame of every page: skip link, header with language switch, main, footer."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.focus import focus_manager
from ticketapp.components.forms import PostForm, sign_out_form
from ticketapp.components.html_lang import html_lang
from ticketapp.components.support.chat import chat_launcher
from ticketapp.i18n import languages as registry
from ticketapp.services.currency.rates import DISPLAY_CHOICES
from ticketapp.state.account.auth import AuthState
from ticketapp.state.header import HeaderState
from ticketapp.state.locale import LocaleState, t
from ticketapp.state.shop.cart import CartState

# (code, the language's own name) for every language menu: a reader finds theirs whatever the page's language.
LANGUAGES = [(language.code, language.native_name) for language in registry.LANGUAGES]
SITE_NAME = "Ticketapp"


def page_title(name: rx.Var[str] | str) -> rx.Var[str]:
    """The browser tab's title: the page's name in the visitor's language, then the site ("Cart · Ticketapp")."""
    return rx.Var.create(name).to(str) + f" · {SITE_NAME}"


def language_switch(on_change: list[rx.EventHandler] | None = None) -> rx.Component:
    return rx.hstack(
        rx.el.label(t("Language"), html_for="language-select", class_name="visually-hidden"),
        rx.el.select(
            *[rx.el.option(label, value=code, lang=code, dir=registry.direction(code)) for code, label in LANGUAGES],
            id="language-select",
            value=LocaleState.lang,
            on_change=[LocaleState.set_language, *(on_change or [])],
            class_name="language-select",
        ),
        align="center",
    )


def currency_switch(on_change: list[rx.EventHandler] | None = None) -> rx.Component:
    """Which currency approximate prices are shown in (the charge stays in the event's currency)."""
    return rx.hstack(
        rx.el.label(t("Show approximate prices in"), html_for="currency-select", font_size="0.875rem"),
        rx.el.select(
            rx.el.option(t("The event's currency only"), value=""),
            *[rx.el.option(code, value=code) for code in DISPLAY_CHOICES],
            id="currency-select",
            value=LocaleState.currency_cookie,
            on_change=[LocaleState.set_currency, *(on_change or [])],
            class_name="language-select",
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def staff_links() -> rx.Component:
    """Admins: the admin home (it links to every area); agents: the two pages they work in."""
    return rx.cond(
        AuthState.is_admin,
        rx.link(t("Admin"), href="/admin", color_scheme="gray", high_contrast=True),
        rx.cond(
            AuthState.is_agent,
            rx.fragment(
                rx.link(t("Agent panel"), href="/agent", color_scheme="gray", high_contrast=True),
                rx.link(t("Check-in"), href="/checkin", color_scheme="gray", high_contrast=True),
            ),
        ),
    )


def account_links() -> rx.Component:
    """'Sign in', or the account links and 'Sign out' (AuthState is refreshed by the header's mount)."""
    return rx.el.nav(
        rx.cond(
            AuthState.signed_in,
            rx.hstack(
                staff_links(),
                rx.link(t("My account"), href="/account", color_scheme="gray", high_contrast=True),
                rx.link(t("My orders"), href="/account/orders", color_scheme="gray", high_contrast=True),
                rx.link(t("My tickets"), href="/account/tickets", color_scheme="gray", high_contrast=True),
                sign_out_form(t("Sign out"), variant="soft", size="2"),
                align="center",
                spacing="3",
                class_name="header-account",
            ),
            rx.link(t("Sign in"), href="/signin", color_scheme="gray", high_contrast=True),
        ),
        aria_label=t("Account"),
    )


def session_ended_notice() -> rx.Component:
    """Shown the moment this tab's session ends elsewhere (blocked, signed out everywhere); then sign-in."""
    return rx.box(
        rx.cond(
            AuthState.session_ended,
            rx.callout(
                rx.text(
                    t("You have been signed out: this account's session was ended."),
                    " ",
                    rx.link(t("Sign in again"), href="/signin"),
                    rx.el.span(on_mount=AuthState.leave_ended_session),
                ),
                icon="log_out",
                color_scheme="amber",
                role="alert",  # announced as it appears; no empty alert region sits on every page
                max_width="72rem",
                margin_x="auto",
                margin_top="0.75rem",
            ),
            rx.fragment(),
        ),
    )


def verify_email_banner() -> rx.Component:
    return rx.box(
        rx.cond(
            AuthState.show_verify_banner,
            rx.callout(
                rx.hstack(
                    rx.text(t("Please confirm your e-mail address: we sent you a link.")),
                    rx.cond(
                        AuthState.verification_resent,
                        rx.text(t("A new link is on its way.")),
                        rx.button(t("Send the link again"), on_click=AuthState.resend_verification, size="1"),
                    ),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                icon="mail",
                color_scheme="amber",
                max_width="72rem",
                margin_x="auto",
                margin_top="0.75rem",
            ),
            rx.fragment(),
        ),
        role="status",
        aria_live="polite",
        padding_x="1rem",
    )


def header_search() -> rx.Component:
    """A plain GET form (not rx.el.form, which cancels the browser's submit): Enter or the button
    lands on a bookmarkable /events?q=… URL, with or without JavaScript."""
    return PostForm.create(
        rx.hstack(
            rx.el.label(t("Search events"), html_for="header-search", class_name="visually-hidden"),
            rx.el.input(
                id="header-search",
                type="search",
                name="q",
                placeholder=t("Search events"),
                max_length=200,
                class_name="header-search",
            ),
            rx.icon_button(
                rx.icon("search", aria_hidden="true"),
                rx.el.span(t("Search events"), class_name="visually-hidden"),
                type="submit",
                variant="soft",
                color_scheme="gray",
                high_contrast=True,
            ),
            align="center",
            spacing="1",
        ),
        action="/events",
        method="get",
        role="search",
    )


def cart_link() -> rx.Component:
    """Cart link with the live number of held tickets (announced politely when it changes)."""
    return rx.link(
        rx.hstack(
            rx.icon("shopping-cart", aria_hidden="true"),
            rx.text(t("Cart")),
            # The badge is for the eye; a screen reader hears "Cart, 2 tickets" (a bare number says nothing).
            rx.badge(CartState.item_count, variant="solid", aria_hidden="true"),
            rx.el.span(
                CartState.item_count,
                " ",
                rx.cond(CartState.item_count == 1, t("ticket"), t("tickets")),
                class_name="visually-hidden",
                # A live region but no status role: a role would keep the words out of the link's name.
                aria_live="polite",
            ),
            align="center",
            spacing="1",
        ),
        href="/cart",
        color_scheme="gray",
        high_contrast=True,
    )


_MENU_SCRIPT = (
    "(() => { const b = document.getElementById('header-menu-button');"
    " const open = b.getAttribute('aria-expanded') !== 'true';"
    " b.setAttribute('aria-expanded', String(open));"
    " document.getElementById('header-menu').dataset.open = String(open); })()"
)


def menu_button() -> rx.Component:
    """Phones only (CSS): a disclosure for the nav, search, account links and language (browser-side)."""
    return rx.button(
        rx.icon("menu", aria_hidden="true"),
        t("Menu"),
        id="header-menu-button",
        type="button",
        aria_expanded="false",
        aria_controls="header-menu",
        on_click=rx.call_script(_MENU_SCRIPT),
        variant="soft",
        color_scheme="gray",
        high_contrast=True,
        class_name="header-menu-button",
    )


def site_header(on_language_change: list[rx.EventHandler] | None = None) -> rx.Component:
    """One row: on a wide screen everything inline; on a phone the logo, the cart and a menu button
    whose panel holds the rest (styles.css, .site-header)."""
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("ticket", aria_hidden="true"), rx.text("Ticketapp", weight="bold")),
                href="/",
                underline="none",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.box(
                rx.el.nav(
                    rx.link(t("Events"), href="/events", color_scheme="gray", high_contrast=True),
                    rx.link(t("Support"), href="/support", color_scheme="gray", high_contrast=True),
                    aria_label=t("Main"),
                    class_name="header-nav",
                ),
                header_search(),
                rx.box(class_name="header-spacer"),
                account_links(),
                language_switch(on_language_change),
                id="header-menu",
                class_name="header-menu",
                custom_attrs={"data-open": "false"},
            ),
            cart_link(),
            menu_button(),
            align="center",
            spacing="4",
            class_name="site-header",
            width="100%",
            max_width="72rem",
            margin_x="auto",
            padding_x="1rem",
            padding_y="0.75rem",
        ),
        border_bottom="1px solid var(--gray-a5)",
        on_mount=HeaderState.mount,
    )


def site_footer(on_currency_change: list[rx.EventHandler] | None = None) -> rx.Component:
    return rx.el.footer(
        rx.vstack(
            rx.text(t("Ticketapp — tickets for concerts, theatre, sport and more."), size="2"),
            rx.text(t("Prices include VAT. Times are shown in the venue's local time."), size="1", color_scheme="gray"),
            currency_switch(on_currency_change),
            max_width="72rem",
            margin_x="auto",
            padding="1.5rem 1rem",
            spacing="1",
        ),
        border_top="1px solid var(--gray-a5)",
        margin_top="3rem",
    )


def page_layout(*children: rx.Component, on_language_change: list[rx.EventHandler] | None = None) -> rx.Component:
    """Wrap page content; `on_language_change` reloads page data in the new language."""
    return rx.box(
        html_lang(),
        focus_manager(),
        rx.el.a(t("Skip to content"), href="#main", class_name="skip-link"),
        site_header(on_language_change),
        verify_email_banner(),
        session_ended_notice(),
        rx.el.main(
            rx.box(*children, max_width="72rem", margin_x="auto", padding_x="1rem", padding_y="1.5rem"),
            id="main",
            tab_index=-1,
        ),
        site_footer(on_language_change),
        chat_launcher(),
        min_height="100vh",
        class_name="page-frame",
    )
