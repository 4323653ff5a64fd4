"""Helpers shared by our HTTP routes: a database session and the bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request

from ticketapp.db import get_engine


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
