"""Records sales-funnel steps from the shopping states: one cheap insert, never in the way of a sale."""

from __future__ import annotations

import logging
from collections.abc import Callable

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.models import PageEventKind
from ticketapp.services.analytics import dashboard as analytics
from ticketapp.settings import get_settings

log = logging.getLogger(__name__)


def _visitor_key(state: rx.State) -> str:
    """A keyed hash of the browser's Reflex client token: counts visits, identifies no one."""
    return analytics.session_hash(state.router.session.client_token or "anonymous", get_settings().secret_key)


async def _record(write: Callable[[Session], None]) -> None:
    try:
        await run_db(write)
    except SQLAlchemyError:
        # Analytics must never break shopping: a lost funnel step is acceptable.
        log.warning("funnel step not recorded", exc_info=True)


async def record_view(state: rx.State, event_id: int) -> None:
    key = _visitor_key(state)
    await _record(lambda s: analytics.record_page_event(s, PageEventKind.VIEW, key, [event_id]))


async def record_cart_add(state: rx.State, ticket_type_id: int) -> None:
    key = _visitor_key(state)
    await _record(lambda s: analytics.record_cart_add(s, key, ticket_type_id))


async def record_checkout(state: rx.State, ticket_type_ids: list[int]) -> None:
    key = _visitor_key(state)
    await _record(lambda s: analytics.record_checkout_started(s, key, ticket_type_ids))
