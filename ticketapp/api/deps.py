"""Helpers shared by our HTTP routes: a database session and the bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request

from ticketapp.db import get_engine
from ticketapp.services.accounts.sessions import REMEMBER_COOKIE, SESSION_COOKIE, resolve_session


def request_engine(request: Request) -> Engine:
    """The app's engine; an app built for tests may carry its own in `app.state.engine`."""
    engine = getattr(request.app.state, "engine", None)
    return engine if engine is not None else get_engine()


@contextmanager
def request_session(request: Request) -> Iterator[Session]:
    with Session(request_engine(request), expire_on_commit=False) as session:
        yield session


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def request_user_id(session: Session, request: Request) -> int | None:
    """The signed-in user (second factor given) behind an HTTP request, from the session cookies."""
    for cookie in (SESSION_COOKIE, REMEMBER_COOKIE):
        token = request.cookies.get(cookie, "")
        user = resolve_session(session, token) if token else None
        if user is not None and user.fully_signed_in:
            return user.id
    return None
