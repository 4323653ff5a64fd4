"""Support content: canned replies for agents and the public FAQ, per language (admins edit both)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, normalize_locale
from ticketapp.models import CannedReply, FaqEntry
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.support.tickets import SupportError, clean_text, require_admin, require_agent


def canned_replies(session: Session, viewer: Viewer | None, locale: str) -> list[CannedReply]:
    require_agent(viewer)
    query = select(CannedReply).where(CannedReply.locale == locale).order_by(col(CannedReply.title))
    return list(session.exec(query))


def save_canned_reply(
    session: Session, viewer: Viewer | None, *, title: str, body: str, locale: str, reply_id: int | None = None
) -> CannedReply:
    require_admin(viewer)
    reply = session.get(CannedReply, reply_id) if reply_id else CannedReply(title="", body="")
    if reply is None:
        raise SupportError(msgid("Canned reply not found."))
    if not title.strip():
        raise SupportError(msgid("Please give a title."))
    reply.title, reply.body, reply.locale = title.strip()[:120], clean_text(body), normalize_locale(locale)
    session.add(reply)
    session.commit()
    return reply


def faq_entries(session: Session, locale: str) -> list[FaqEntry]:
    query = select(FaqEntry).where(FaqEntry.locale == locale, col(FaqEntry.is_published).is_(True))
    return list(session.exec(query.order_by(col(FaqEntry.position), col(FaqEntry.id))))


def save_faq_entry(
    session: Session,
    viewer: Viewer | None,
    *,
    question: str,
    answer: str,
    locale: str,
    position: int = 0,
    entry_id: int | None = None,
) -> FaqEntry:
    require_admin(viewer)
    entry = session.get(FaqEntry, entry_id) if entry_id else FaqEntry(question="", answer="")
    if entry is None:
        raise SupportError(msgid("FAQ entry not found."))
    if not question.strip():
        raise SupportError(msgid("Please write the question."))
    entry.question, entry.answer = question.strip()[:300], clean_text(answer)
    entry.locale, entry.position = normalize_locale(locale), position
    session.add(entry)
    session.commit()
    return entry


def all_canned_replies(session: Session, viewer: Viewer | None) -> list[CannedReply]:
    require_admin(viewer)
    return list(session.exec(select(CannedReply).order_by(col(CannedReply.locale), col(CannedReply.title))))


def delete_canned_reply(session: Session, viewer: Viewer | None, reply_id: int) -> None:
    require_admin(viewer)
    reply = session.get(CannedReply, reply_id)
    if reply is not None:
        session.delete(reply)
        session.commit()


def all_faq_entries(session: Session, viewer: Viewer | None) -> list[FaqEntry]:
    require_admin(viewer)
    query = select(FaqEntry).order_by(col(FaqEntry.locale), col(FaqEntry.position), col(FaqEntry.id))
    return list(session.exec(query))


def delete_faq_entry(session: Session, viewer: Viewer | None, entry_id: int) -> None:
    require_admin(viewer)
    entry = session.get(FaqEntry, entry_id)
    if entry is not None:
        session.delete(entry)
        session.commit()
