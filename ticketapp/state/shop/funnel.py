"""Records sales-funnel steps from the shopping states: one cheap insert, never in the way of a sale.

What a step is and how a visitor is counted lives in `services.analytics.funnel`."""

from __future__ import annotations

import logging
from collections.abc import Callable

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.services.analytics import funnel

log = logging.getLogger(__name__)


async def _record(write: Callable[[Session], None]) -> None:
    try:
        await run_db(write)
    except SQLAlchemyError:
        # Analytics must never break shopping: a lost funnel step is acceptable.
        log.warning("funnel step not recorded", exc_info=True)


async def record_view(state: rx.State, event_id: int) -> None:
    key = funnel.visitor_key(state.router.session.client_token)
    await _record(lambda s: funnel.record_event_view(s, key, event_id))


async def record_cart_add(state: rx.State, ticket_type_id: int) -> None:
    key = funnel.visitor_key(state.router.session.client_token)
    await _record(lambda s: funnel.record_cart_add(s, key, ticket_type_id))


async def record_checkout(state: rx.State, ticket_type_ids: list[int]) -> None:
    key = funnel.visitor_key(state.router.session.client_token)
    await _record(lambda s: funnel.record_checkout_started(s, key, ticket_type_ids))
