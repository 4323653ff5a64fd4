"""The account e-mails (verification, reset, notices), in the user's language."""

from __future__ import annotations

from ticketapp.i18n import gettext, translate
from ticketapp.services.shared.mail import compose, send_mail
from ticketapp.services.shared.origin import app_base_url


def _link(path: str, token: str) -> str:
    return f"{app_base_url()}{path}?token={token}"


def _footer(lang: str) -> str:
    return gettext(lang, "If you did not ask for this, you can ignore this e-mail or contact our support.")


def _send(
    to: str, name: str, lang: str, subject: str, paragraphs: list[str], link_label: str = "", link_url: str = ""
) -> None:
    """One account mail: "Hello {name}," then `paragraphs`, an optional button link and the footer."""
    greeting = translate(lang, "Hello {name},", name=name)
    body = compose(
        [greeting, *paragraphs], lang=lang, link_label=link_label, link_url=link_url, footer_text=_footer(lang)
    )
    send_mail(to, subject, body.text, body.html)


def send_verification_mail(to: str, name: str, lang: str, token: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "Confirm your e-mail address"),
        [
            gettext(lang, "Welcome to Ticketapp! Please confirm your e-mail address with the link below."),
        ],
        gettext(lang, "Confirm my e-mail address"),
        _link("/verify-email", token),
    )


def send_reset_mail(to: str, name: str, lang: str, token: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "Reset your password"),
        [
            gettext(lang, "Someone asked to reset the password of your Ticketapp account."),
            gettext(lang, "The link below works once and expires in one hour."),
        ],
        gettext(lang, "Choose a new password"),
        _link("/reset-password", token),
    )


def send_staff_invitation(to: str, name: str, lang: str, token: str, role_label: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "You are invited to join the Ticketapp team"),
        [
            translate(lang, "You have been invited to Ticketapp as {role}.", role=role_label),
            gettext(
                lang,
                "Choose your password with the link below (it works once and expires in three days), "
                "then sign in: you will set up two-factor authentication at your first sign-in.",
            ),
        ],
        gettext(lang, "Choose my password"),
        _link("/reset-password", token),
    )


def send_password_changed_notice(to: str, name: str, lang: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "Your password was changed"),
        [
            gettext(
                lang, "The password of your Ticketapp account was just changed and your other sessions were ended."
            ),
        ],
    )


def send_email_change_confirmation(to: str, name: str, lang: str, token: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "Confirm your new e-mail address"),
        [
            gettext(lang, "Please confirm that this is the new e-mail address of your Ticketapp account."),
        ],
        gettext(lang, "Confirm my new e-mail address"),
        _link("/verify-email", token),
    )


def send_email_change_notice(to: str, name: str, lang: str, new_email: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "Your e-mail address is being changed"),
        [
            translate(
                lang,
                "A change of your account's e-mail address to {email} was requested. "
                "It takes effect once confirmed from the new address.",
                email=new_email,
            ),
        ],
    )


def send_lockout_notice(to: str, name: str, lang: str) -> None:
    _send(
        to,
        name,
        lang,
        gettext(lang, "Sign-in to your account was paused"),
        [
            gettext(
                lang,
                "There were several failed attempts to sign in to your account, so sign-in is paused "
                "for 15 minutes. If this was not you, consider resetting your password.",
            ),
        ],
    )


def send_sign_up_attempt_notice(to: str, name: str, lang: str) -> None:
    """Someone tried to create an account with an address that already has one (the sign-up page
    answered as for a new address, so it reveals nothing; the owner hears about it here)."""
    _send(
        to,
        name,
        lang,
        gettext(lang, "Someone tried to sign up with your address"),
        [
            gettext(
                lang,
                "Someone tried to create a new Ticketapp account with your e-mail address. You already "
                "have an account, so nothing was changed.",
            ),
            gettext(lang, "If it was you, sign in instead, or choose a new password if you forgot it."),
        ],
        gettext(lang, "Sign in"),
        f"{app_base_url()}/signin",
    )
