"""What browser tests of the shop share."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def expect_cart_count(page: Page, count: int) -> None:
    """The header's cart link says how many tickets are held ("Cart 2 tickets" to a screen reader)."""
    cart = page.get_by_role("link", name=re.compile(r"^(Cart|Panier)\b"))
    expect(cart).to_have_accessible_name(re.compile(rf"^(Cart|Panier)\s+{count} (ticket|billet)s?$"))
