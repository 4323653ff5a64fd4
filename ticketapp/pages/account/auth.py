"""Sign-up, sign-in, sign-out, password recovery and e-mail verification pages."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from ticketapp.components.forms import (
    checkbox_field,
    done_region,
    email_field,
    error_region,
    form_card,
    honeypot,
    password_field,
    sign_out_form,
    submit_button,
    text_field,
    tv,
)
from ticketapp.components.layout import page_layout, page_title
from ticketapp.state.account.auth import AuthState
from ticketapp.state.account.signin import (
    ForgotPasswordState,
    ResetPasswordState,
    SignInState,
    SignUpState,
    VerifyEmailState,
)
from ticketapp.state.locale import t

SIGN_IN_ERROR = "signin-error"
SIGN_UP_ERROR = "signup-error"
RULE_CHECK_ID = "rule-check"


def _sign_up_error(control_id: str) -> dict[str, Any]:
    """A sign-up field is invalid and described by the form's error while the error is about it."""
    return {"invalid": SignUpState.error_field == control_id, "error_id": SIGN_UP_ERROR}


def password_rule() -> rx.Var[str]:
    return t("At least 10 characters, not your e-mail address, and not a common password.")


def _centered(*children: rx.Component) -> rx.Component:
    return page_layout(rx.center(rx.vstack(*children, spacing="4", width="100%", max_width="28rem"), width="100%"))


def _oauth_buttons() -> rx.Component:
    return rx.cond(
        SignInState.providers.length() > 0,
        rx.vstack(
            rx.text(t("Or sign in with"), size="2", color_scheme="gray"),
            rx.foreach(
                SignInState.providers,
                # Document navigation: the OAuth start is a server route, not a client-side page.
                lambda p: ReactRouterLink.create(
                    p["label"], to=p["href"], reload_document=True, class_name="oauth-button"
                ),
            ),
            width="100%",
            spacing="2",
        ),
        rx.fragment(),
    )


def _password_step() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.vstack(
                email_field(
                    t("E-mail"),
                    "field-email",
                    name="email",
                    auto_complete="email",
                    required=True,
                    invalid=SignInState.error_field == "field-email",
                    error_id=SIGN_IN_ERROR,
                ),
                password_field(
                    t("Password"),
                    "field-password",
                    name="password",
                    auto_complete="current-password",
                    required=True,
                    invalid=SignInState.error_field == "field-email",  # wrong address or password: both
                    error_id=SIGN_IN_ERROR,
                ),
                checkbox_field(t("Remember me"), "field-remember", name="remember"),
                submit_button(t("Sign in")),
                spacing="3",
                width="100%",
            ),
            on_submit=SignInState.submit,
            width="100%",
        ),
        rx.link(t("Forgot password?"), href="/forgot-password"),
        _oauth_buttons(),
        rx.text(t("New here?"), " ", rx.link(t("Create an account"), href="/signup"), size="2"),
        width="100%",
        spacing="3",
    )


def _code_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(t("Enter the 6-digit code from your authenticator app, or one of your recovery codes.")),
            text_field(
                t("Authentication code"),
                "field-code",
                name="code",
                auto_complete="one-time-code",
                required=True,
                invalid=SignInState.error_field == "field-code",
                error_id=SIGN_IN_ERROR,
            ),
            submit_button(t("Verify")),
            spacing="3",
            width="100%",
        ),
        on_submit=SignInState.submit_code,
        width="100%",
    )


@rx.page(route="/signin", title=page_title(t("Sign in")), on_load=[SignInState.load])
def signin() -> rx.Component:
    return _centered(
        rx.heading(t("Sign in"), as_="h1", size="7"),
        form_card(
            error_region(SignInState.error, region_id=SIGN_IN_ERROR),
            rx.cond(SignInState.step == "code", _code_step(), _password_step()),
        ),
    )


def _password_feedback() -> rx.Component:
    """The rules the typed password breaks, announced as soon as the field is left; the list (no name of its own,
    so its words are read) also describes the password field."""
    return rx.el.div(
        rx.el.ul(
            rx.foreach(SignUpState.password_problems, lambda problem: rx.el.li(tv(problem))),
            id=RULE_CHECK_ID,
            margin="0",
        ),
        role="status",
        aria_live="polite",
        aria_label=t("Password check"),
        color="var(--red-11)",
        font_size="0.875rem",
    )


@rx.page(route="/signup", title=page_title(t("Create an account")), on_load=[SignUpState.shown])
def signup() -> rx.Component:
    return _centered(
        rx.heading(t("Create an account"), as_="h1", size="7"),
        done_region(
            SignUpState.sent,
            t(
                "Almost done: we sent a message to the address you entered. Follow its link to confirm "
                "your address, then sign in."
            ),
            icon="mail",
        ),
        form_card(
            error_region(SignUpState.error, region_id=SIGN_UP_ERROR),
            rx.form(
                rx.vstack(
                    text_field(
                        t("Name"),
                        "field-display_name",
                        name="display_name",
                        auto_complete="name",
                        required=True,
                        **_sign_up_error("field-display_name"),
                    ),
                    email_field(
                        t("E-mail"),
                        "field-email",
                        name="email",
                        auto_complete="email",
                        required=True,
                        on_blur=SignUpState.remember_email,
                        **_sign_up_error("field-email"),
                    ),
                    password_field(
                        t("Password"),
                        "field-password",
                        name="password",
                        auto_complete="new-password",
                        required=True,
                        hint=password_rule(),
                        error=_password_feedback(),
                        on_blur=SignUpState.check_password,
                        # Also described by the live rule check, and invalid while it lists a broken rule.
                        invalid=(SignUpState.error_field == "field-password")
                        | (SignUpState.password_problems.length() > 0),
                        error_id=f"{RULE_CHECK_ID} {SIGN_UP_ERROR}",
                    ),
                    password_field(
                        t("Repeat the password"),
                        "field-password_confirm",
                        name="password_confirm",
                        auto_complete="new-password",
                        required=True,
                        **_sign_up_error("field-password_confirm"),
                    ),
                    honeypot(),
                    submit_button(t("Create my account")),
                    spacing="3",
                    width="100%",
                ),
                on_submit=SignUpState.submit,
                width="100%",
            ),
            rx.text(t("Already have an account?"), " ", rx.link(t("Sign in"), href="/signin"), size="2"),
        ),
    )


# Opening /signout does not sign out (a link or image on another site could): it asks for the click.
@rx.page(route="/signout", title=page_title(t("Sign out")))
def signout() -> rx.Component:
    return _centered(
        rx.heading(t("Sign out"), as_="h1", size="7"),
        sign_out_form(t("Sign out of this browser"), size="3"),
    )


@rx.page(
    route="/forgot-password",
    title=page_title(t("Forgot your password?")),
)
def forgot_password() -> rx.Component:
    return _centered(
        rx.heading(t("Forgot your password?"), as_="h1", size="7"),
        form_card(
            rx.text(t("Enter your e-mail address and we will send you a link to choose a new password.")),
            error_region(ForgotPasswordState.error),
            done_region(
                ForgotPasswordState.sent,
                t("If an account exists for this address, we have sent it a link. It is valid for one hour."),
                icon="mail",
            ),
            rx.form(
                rx.vstack(
                    email_field(t("E-mail"), "field-email", name="email", auto_complete="email", required=True),
                    submit_button(t("Send the link")),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.submit,
                width="100%",
            ),
        ),
    )


@rx.page(
    route="/reset-password",
    title=page_title(t("Choose a new password")),
    on_load=[ResetPasswordState.load],
)
def reset_password() -> rx.Component:
    return _centered(
        rx.heading(t("Choose a new password"), as_="h1", size="7"),
        form_card(
            error_region(ResetPasswordState.error),
            done_region(ResetPasswordState.done, t("Your password was changed. You can now sign in with it.")),
            rx.cond(
                ResetPasswordState.token_ok,
                rx.form(
                    rx.vstack(
                        password_field(
                            t("New password"),
                            "field-password",
                            name="password",
                            auto_complete="new-password",
                            required=True,
                            hint=password_rule(),
                        ),
                        password_field(
                            t("Repeat the password"),
                            "field-password_confirm",
                            name="password_confirm",
                            auto_complete="new-password",
                            required=True,
                        ),
                        submit_button(t("Save the new password")),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=ResetPasswordState.submit,
                    width="100%",
                ),
                rx.hstack(
                    rx.link(t("Sign in"), href="/signin"),
                    rx.link(t("Ask for a new link"), href="/forgot-password"),
                    spacing="4",
                ),
            ),
        ),
    )


@rx.page(
    route="/verify-email",
    title=page_title(t("E-mail confirmation")),
    on_load=[VerifyEmailState.load],
)
def verify_email() -> rx.Component:
    return _centered(
        rx.heading(t("E-mail confirmation"), as_="h1", size="7"),
        error_region(VerifyEmailState.error),
        done_region(VerifyEmailState.verified, t("Thank you, your e-mail address is confirmed.")),
        rx.cond(
            AuthState.signed_in,
            rx.link(t("Continue to the events"), href="/"),
            rx.link(t("Sign in"), href="/signin"),
        ),
    )
