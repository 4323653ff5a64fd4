"""The site header's one mount event: who is signed in and what the cart holds, in a single round trip.

Every page mounts the header, so each navigation pays for this event: one instead of two per page."""

from __future__ import annotations

import reflex as rx

from ticketapp.state.account.auth import AuthState
from ticketapp.state.shop.cart import CartState
from ticketapp.state.snapshot import SentWhenUsed


class HeaderState(SentWhenUsed, rx.State):
    @rx.event
    async def mount(self) -> None:
        # Who first: a changed identity drops the tab's states (the cart's included) before the count is read.
        await (await self.get_state(AuthState)).refresh()  # type: ignore[operator]  # mypy reads @rx.event as EventNamespace
        await (await self.get_state(CartState)).refresh_count()  # type: ignore[operator]
