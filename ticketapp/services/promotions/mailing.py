"""Bulk e-mail of codes: an admin pastes a list of addresses; each gets one free code of a bulk-created batch.

The codes are given (`PromoCode.sent_to`) and the mails recorded as due in one transaction, audited; after its
commit each mail is queued as a job (`hooks.emit_due`), so a lost job delays a mail but never loses it, and a
code is never given to two addresses. "Free" means active, never given, and never used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.i18n.languages import SUPPORTED_LOCALES
from ticketapp.models import Event, PromoCode, PromoRedemption, utcnow
from ticketapp.services import hooks
from ticketapp.services.accounts.accounts import is_valid_email
from ticketapp.services.accounts.audit import audit
from ticketapp.services.promotions.admin import PromoAdminError
from ticketapp.services.promotions.codes import normalize
from ticketapp.services.shared.mail import MAIL_JOB, compose, record_mail
from ticketapp.settings import get_settings

LIST_MAX = 1000  # addresses per send (the bulk creation's batch size)
ADDRESS_MAX = 320


@dataclass(frozen=True)
class Sent:
    count: int
    prefix: str


def parse_addresses(text: str) -> list[str]:
    """Addresses separated by new lines, commas, semicolons or spaces; lower-cased, each once, in order.

    PromoAdminError naming the first address that is not one (nothing is sent then)."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", text):
        address = part.strip().strip("<>").lower()
        if not address:
            continue
        if len(address) > ADDRESS_MAX or not is_valid_email(address):
            raise PromoAdminError(msgid("“{address}” is not an e-mail address."), address=address[:80])
        seen.setdefault(address, None)
    if not seen:
        raise PromoAdminError(msgid("Please paste at least one e-mail address."))
    if len(seen) > LIST_MAX:
        raise PromoAdminError(msgid("You can send at most {max} codes at a time."), max=LIST_MAX)
    return list(seen)


def free_codes(session: Session, prefix: str, limit: int) -> list[PromoCode]:
    """Active codes of the batch `prefix-…` never given nor used, oldest first (locked for the caller's commit)."""
    used = select(PromoRedemption.promo_code_id)
    return list(
        session.exec(
            select(PromoCode)
            .where(
                col(PromoCode.code).startswith(prefix + "-"),
                col(PromoCode.active).is_(True),
                col(PromoCode.sent_to).is_(None),
                col(PromoCode.id).not_in(used),
            )
            .order_by(col(PromoCode.id))
            .limit(limit)
            .with_for_update()
        ).all()
    )


def send_codes(session: Session, actor_id: int, prefix: str, addresses_text: str, lang: str) -> Sent:
    """Give each address one free code of the batch and e-mail it in `lang` (commits; then queues the mails)."""
    batch = normalize(prefix).rstrip("-")
    if not batch:
        raise PromoAdminError(msgid("Please enter the start of the codes to send (as used for the bulk creation)."))
    addresses = parse_addresses(addresses_text)
    lang = lang if lang in SUPPORTED_LOCALES else SUPPORTED_LOCALES[0]
    begin_write_locked(session)  # SQLite: one sender at a time picks free codes (PostgreSQL: the row locks)
    codes = free_codes(session, batch, len(addresses))
    if len(codes) < len(addresses):
        session.rollback()
        raise PromoAdminError(
            msgid("Only {free} unsent codes start with {prefix}- for {count} addresses: create more first."),
            free=len(codes),
            prefix=batch,
            count=len(addresses),
        )
    titles = _event_titles(session, codes)
    now = utcnow()
    payloads: list[dict[str, Any]] = []
    for address, promo in zip(addresses, codes, strict=False):
        promo.sent_to, promo.sent_at = address, now
        session.add(promo)
        payloads.append(_record(session, address, promo, titles.get(promo.event_id or 0, ""), lang))
    audit(session, actor_id, "promo.mail_codes", "promo_code", None, prefix=batch, count=len(addresses))
    session.commit()
    for payload in payloads:
        hooks.emit_due(MAIL_JOB, payload=payload)
    return Sent(len(addresses), batch)


def _event_titles(session: Session, codes: list[PromoCode]) -> dict[int, str]:
    ids = {c.event_id for c in codes if c.event_id}
    if not ids:
        return {}
    return {i or 0: t for i, t in session.exec(select(Event.id, Event.title).where(col(Event.id).in_(ids))).all()}


def _record(session: Session, address: str, promo: PromoCode, event_title: str, lang: str) -> dict[str, Any]:
    base = get_settings().base_url
    event = session.get(Event, promo.event_id) if promo.event_id else None
    url = f"{base}/events/{event.slug}?code={quote(promo.code)}" if event else f"{base}/"
    first = (
        translate(lang, "Here is your promo code for {event}: {code}", event=event_title, code=promo.code)
        if event_title
        else translate(lang, "Here is your promo code: {code}", code=promo.code)
    )
    body = compose(
        [first, gettext(lang, "It is yours alone: enter it on the event page or in your cart, or follow the link.")],
        lang=lang,
        link_label=gettext(lang, "Use my code"),
        link_url=url,
        footer_text=gettext(lang, "You get this e-mail because the organiser sent you a promo code on Ticketapp."),
    )
    return record_mail(session, address, gettext(lang, "Your promo code"), body.text, body.html)
