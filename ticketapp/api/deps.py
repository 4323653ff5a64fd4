"""Helpers shared by our HTTP routes: a database session, and who is asking (through accounts/access.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request

from ticketapp.db import get_engine
from ticketapp.models import Role
from ticketapp.services.accounts import access
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.accounts.sessions import REMEMBER_COOKIE, SESSION_COOKIE
from ticketapp.services.tickets.staff_tokens import CHECKIN_ROLE, viewer_for_staff_token


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


def request_viewer(session: Session, request: Request) -> Viewer | None:
    """The person signed in (second factor given) behind an HTTP request, from the session cookies."""
    for cookie in (SESSION_COOKIE, REMEMBER_COOKIE):
        viewer = access.viewer_for_session_token(session, request.cookies.get(cookie, ""))
        if viewer is not None and viewer.fully_signed_in:
            return viewer
    return None


def require_signed_in(session: Session, request: Request, role: Role) -> Viewer:
    """The signed-in person with `role` behind the request's cookies; raises AccessRefusedError."""
    return access.require(request_viewer(session, request), role)


def require_door_staff(session: Session, request: Request) -> Viewer:
    """The door staff member whose staff API token is the request's bearer token; raises AccessRefusedError."""
    return access.require(viewer_for_staff_token(session, bearer_token(request) or ""), CHECKIN_ROLE)
