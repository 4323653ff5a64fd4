"""Records sales-funnel steps from the shopping states: one cheap insert, never in the way of a sale.

What a step is and how a visitor is counted lives in `services.analytics.funnel`."""

from __future__ import annotations

import logging
from collections.abc import Callable

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ticketapp.services.analytics import funnel

log = logging.getLogger(__name__)


def record_quietly(session: Session, write: Callable[[Session], None]) -> None:
    """Run a funnel write inside a page's own database block (no trip of its own), after the page's work."""
    try:
        write(session)
    except SQLAlchemyError:
        # Analytics must never break shopping: a lost funnel step is acceptable.
        session.rollback()
        log.warning("funnel step not recorded", exc_info=True)


def visitor(state: rx.State) -> str:
    """The funnel's key for the visitor behind `state` (passed into a database block)."""
    return funnel.visitor_key(state.router.session.client_token)
