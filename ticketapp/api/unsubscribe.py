"""/api/unsubscribe?e=…&s=…: the signed link at the foot of reminders and organisers' messages.

GET shows a one-button page (mail scanners that open links must not unsubscribe anyone); POST records it.
Essential mail (confirmations, tickets, refunds) keeps coming: the page says so.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ticketapp.api.deps import request_session
from ticketapp.api.page_language import scope_language
from ticketapp.i18n import gettext
from ticketapp.i18n.languages import direction
from ticketapp.services.messaging import unsubscribe
from ticketapp.services.shared.signing import verify

BODY_MAX = 4096


def _page(lang: str, title: str, text: str, form: str = "", status: int = 200) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="{escape(lang)}" dir="{direction(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:Arial,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5">'
        f'<main><h1>{escape(title)}</h1><p role="status">{escape(text)}</p>{form}'
        f'<p><a href="/">{escape(gettext(lang, "Back to the shop"))}</a></p></main></body></html>'
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _invalid(lang: str) -> HTMLResponse:
    return _page(lang, gettext(lang, "Unsubscribe"), gettext(lang, "This link is not valid."), status=400)


async def unsubscribe_page(request: Request) -> Response:
    lang = scope_language(request.scope)
    email, sig = request.query_params.get("e", "")[:320], request.query_params.get("s", "")[:64]
    if not verify(email, unsubscribe.PURPOSE, sig):
        return _invalid(lang)
    form = (
        '<form method="post">'
        f'<input type="hidden" name="e" value="{escape(email, quote=True)}">'
        f'<input type="hidden" name="s" value="{escape(sig, quote=True)}">'
        f'<button type="submit">{escape(gettext(lang, "Unsubscribe"))}</button></form>'
    )
    text = gettext(
        lang,
        "Stop reminders and organisers' messages to this address? Order confirmations, tickets and refunds "
        "still arrive.",
    )
    return _page(lang, gettext(lang, "Unsubscribe"), f"{email} — {text}", form)


async def unsubscribe_post(request: Request) -> Response:
    lang = scope_language(request.scope)
    if int(request.headers.get("content-length") or 0) > BODY_MAX:
        return _invalid(lang)
    form = await request.form()
    email, sig = str(form.get("e", ""))[:320], str(form.get("s", ""))[:64]

    def record() -> bool:
        with request_session(request) as session:
            return unsubscribe.opt_out(session, email, sig)

    if not await run_in_threadpool(record):
        return _invalid(lang)
    done = gettext(lang, "You are unsubscribed: no more reminders or messages to this address.")
    return _page(lang, gettext(lang, "Unsubscribe"), done)
