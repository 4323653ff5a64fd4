"""What every page state shares: the page bits, the guard, the staff page and paging.

Rules for every state under `ticketapp/state/` (tests/unit/test_state_rules.py checks the first):

- **No blocking work on the event loop.** A database block is a function whose first
  parameter is the `Session` (a service function, a module-level `_helper`, a nested
  def or a lambda); a handler runs it with `await run_db(block, *args)` (ticketapp.db),
  which opens the session in a worker thread. Nothing under `state/` opens a session
  itself (`session_scope(` or `rx.session(`), argon2 (`hash_password(`, `verify_password(`)
  runs only inside such a block (services do it for sign-in), and a block never touches
  `self`: it gets plain values as arguments and returns plain data that the handler
  assigns, so no state var changes off the event loop.
- **Every public method is callable by any browser**: helpers start with `_`, handlers
  are `@rx.event`, backend-only vars start with `_`.
- **Sent when used**: every state lists `SentWhenUsed` first. A full snapshot (the hydrate
  of every new or reconnecting tab) then carries only the states this tab has used; the
  rest would be their compiled defaults, which the browser already holds. A customer's
  tab never builds or receives the admin states (measured: 40 states and 72 KB per
  connection before, one root state and < 1 KB for a fresh tab after).
- **Cheap defaults**: no figures or big lists as defaults; pages build them in handlers.
- **Flat states**: each state is a direct child of `rx.State`. The mixins here are
  `rx.State, mixin=True`, so a page state lists them first and `rx.State` last, e.g.
  `class AdminOrdersState(Paged, StaffPageState, rx.State)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx
from reflex.event import EventSpec

from ticketapp.i18n import translate
from ticketapp.models import Role
from ticketapp.services.accounts import access
from ticketapp.services.accounts.access import Decision, Viewer
from ticketapp.services.accounts.sessions import CurrentUser
from ticketapp.services.errors import DomainError
from ticketapp.state.account.auth import current_user, sign_in_redirect
from ticketapp.state.bounded import clip
from ticketapp.state.locale import current_lang


@dataclass(frozen=True)
class Access:
    """The guard's answer for a page: the signed-in user, and where to send them if they may not stay."""

    user: CurrentUser | None
    redirect: EventSpec | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None and self.redirect is None


async def guard(state: rx.State, role: Role | None = None, *, allow_pending_second_factor: bool = False) -> Access:
    """May the visitor behind `state` use a page for `role` (None: anyone signed in)?

    Anonymous → sign-in (with return-to), staff without a second factor → enrolment or
    the code step, the wrong role → 403. Staff must have given their second factor unless
    `allow_pending_second_factor` (the page where they set it up).
    """
    user = await current_user(state)
    decision = access.access_decision(
        access.viewer_of_session(user), (role,) if role else (), allow_pending_second_factor
    )
    if decision == Decision.OK:
        return Access(user)
    if decision == Decision.ENROL:
        return Access(user, rx.redirect("/account/security"))
    if decision == Decision.FORBIDDEN:
        return Access(user, rx.redirect("/403"))
    return Access(user, sign_in_redirect(state))


async def signed_in_viewer(state: rx.State) -> Viewer | None:
    """The signed-in person behind `state` (second factor not required), or None."""
    return access.viewer_of_session(await current_user(state))


async def staff_viewer(state: rx.State, role: Role) -> Viewer | None:
    """The signed-in staff member (second factor given) allowed to act with `role`, or None."""
    try:
        return access.require(await signed_in_viewer(state), role)
    except access.AccessRefusedError:
        return None


def focus_control(control_id: str) -> EventSpec:
    """Move the browser's focus to the form control an error is about (after the message is shown)."""
    return rx.call_script(f"document.getElementById({control_id!r})?.focus()")


class PageState(rx.State, mixin=True):
    """A page that loads its data and says how the last action went."""

    loaded: bool = False
    message: str = ""
    message_is_error: bool = False

    async def _say(self, message: str, *, error: bool = False, **values: object) -> None:
        """Show `message` (an English msgid with `{placeholders}`) in the visitor's language."""
        self.message, self.message_is_error = translate(await current_lang(self), message, **values), error

    async def _say_refused(self, refused: DomainError) -> None:
        """Show why a service refused (it changed nothing)."""
        self.message, self.message_is_error = refused.translated(await current_lang(self)), True

    async def _allowed(self) -> bool:
        """Whether the visitor may use this page's handlers (a public page: always)."""
        return True

    async def _refresh(self) -> None:
        """Reload the page's data (a page that loads nothing more than `load` does need not)."""

    @rx.event
    async def load(self) -> None:
        """On page load: check the visitor, then load the data."""
        if await self._allowed():
            await self._refresh()

    async def _set_text(self, name: str, value: object, max_length: int) -> None:
        """A checked setter for a text var, bounded (the browser may send anything)."""
        if await self._allowed():
            setattr(self, name, clip(value, max_length))


class StaffPageState(PageState, mixin=True):
    """A page for staff: every handler starts with `actor = await self._staff()` and stops on None.

    `_staff_role` is the role the page needs (admins pass every staff check). A refused
    visitor gets `forbidden` (the page shows its refusal) and nothing else changes.
    """

    forbidden: bool = False
    _staff_role: ClassVar[Role] = Role.ADMIN

    async def _staff(self) -> Viewer | None:
        viewer = await self._staff_viewer()
        if viewer is None:
            self._refuse()
            return None
        self.forbidden = False
        return viewer

    async def _staff_viewer(self) -> Viewer | None:
        """Who may act here (a page may accept more than a browser session, e.g. a door token)."""
        return await staff_viewer(self, self._staff_role)

    def _refuse(self) -> None:
        self.forbidden, self.loaded = True, True

    async def _allowed(self) -> bool:
        return await self._staff() is not None


class Paged(PageState, mixin=True):
    """A list shown a page at a time: `page` (from 0) of `total` rows, `page_size` per page.

    `_refresh()` reloads the current page; the handlers ask `_allowed()` first.
    """

    page: int = 0
    total: int = 0
    page_size: ClassVar[int] = 25

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * self.page_size < self.total

    @rx.var
    def has_previous(self) -> bool:
        return self.page > 0

    @rx.event
    async def next_page(self) -> None:
        if not await self._allowed():
            return
        if self.has_next:
            self.page += 1
        await self._refresh()

    @rx.event
    async def previous_page(self) -> None:
        if not await self._allowed():
            return
        self.page = max(self.page - 1, 0)
        await self._refresh()

    async def _first_page(self) -> None:
        """After a filter change: back to the first page."""
        self.page = 0
        await self._refresh()
