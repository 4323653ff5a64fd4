"""The support pages and the chat launcher build into components (a fast check
that catches wrong props before a browser build)."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.support.chat import chat_launcher
from ticketapp.pages.support.agent import agent_page
from ticketapp.pages.support.help import support_page


def test_support_pages_and_launcher_build() -> None:
    for build in (agent_page, support_page, chat_launcher):
        assert isinstance(build(), rx.Component)
