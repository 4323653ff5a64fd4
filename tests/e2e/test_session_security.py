"""Issue 13 items 2, 6 and 11 from a browser: the session cookie is HttpOnly and never in a
state delta, sign-out drops the tab's server-side state and the cart, the account lists its
sessions and signs them out.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import Browser, Page, WebSocket, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email
from tests.factories import make_order
from ticketapp.db import make_engine
from ticketapp.models import TicketType
from ticketapp.services.accounts.throttling import ACCOUNT_FAILURE_LIMIT

SESSION_COOKIES = ("ta_session", "ta_remember")


def _record_frames(page: Page) -> list[str]:
    """Every websocket frame the page receives from now on (the state snapshots and deltas)."""
    frames: list[str] = []

    def on_socket(socket: WebSocket) -> None:
        record: Callable[[str | bytes], None] = lambda payload: frames.append(  # noqa: E731
            payload if isinstance(payload, str) else payload.decode(errors="replace")
        )
        socket.on("framereceived", record)

    page.on("websocket", on_socket)
    return frames


def _session_cookies(page: Page) -> dict[str, dict]:
    return {c["name"]: c for c in page.context.cookies() if c["name"] in SESSION_COOKIES and c["value"]}


def _tab_token(page: Page) -> str:
    return page.evaluate("window.sessionStorage.getItem('token')")


def test_session_cookie_is_httponly_and_never_in_the_page(page: Page, live_app) -> None:
    email = unique_email("httponly")
    create_user(live_app.database_url, email)
    frames = _record_frames(page)
    sign_in(page, email, remember=True)

    cookies = _session_cookies(page)
    assert set(cookies) == {"ta_remember"}
    remember = cookies["ta_remember"]
    assert remember["httpOnly"] and remember["sameSite"] == "Lax"
    assert remember["value"] not in page.evaluate("document.cookie")
    assert "ta_remember" not in page.evaluate("document.cookie")
    # The token never travels in a state snapshot or delta either.
    assert frames and not any(remember["value"] in frame for frame in frames)

    # A reload (a new websocket) keeps the visitor signed in: the backend reads the cookie from the handshake.
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert _session_cookies(page) == {}
    page.reload()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    # The old token, put back by hand, opens nothing.
    page.context.add_cookies([{"name": "ta_remember", "value": remember["value"], "url": live_app.url}])
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/signin\?next="))


def _order_for(database_url: str, user_id: int, email: str) -> str:
    """A paid order of the customer's, written straight into the live app's database; its code."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        ticket_type = session.exec(select(TicketType)).first()
        assert ticket_type is not None
        order, _ = make_order(
            session, [(ticket_type, 1)], user_id=user_id, buyer_email=email, code=f"PRIV{secrets.token_hex(3).upper()}"
        )
        code = order.code
    engine.dispose()
    return code


def test_sign_out_drops_the_admin_data_of_the_tab(browser: Browser, live_app) -> None:
    customer_email = unique_email("private")
    customer_id = create_user(live_app.database_url, customer_email)
    order_code = _order_for(live_app.database_url, customer_id, customer_email)
    admin_email = unique_email("admin")
    create_user(live_app.database_url, admin_email, role="admin")
    admin = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(admin, live_app.database_url, admin_email, PASSWORD)

    admin.goto("/admin/customers")
    admin.get_by_label("Name or e-mail").fill(customer_email)
    row = admin.get_by_role("row").filter(has_text=customer_email)
    row.get_by_role("button", name="Details").click()
    expect(admin.get_by_role("region", name="Customer details")).to_contain_text(customer_email)
    admin.goto("/admin/orders")
    admin.get_by_label("Code, e-mail or name").fill(order_code)
    expect(admin.get_by_role("link", name=order_code)).to_be_visible()
    token = _tab_token(admin)

    frames = _record_frames(admin)
    admin.get_by_role("button", name="Sign out").click()
    expect(admin.get_by_role("link", name="Sign in")).to_be_visible()
    admin.reload()
    expect(admin.get_by_role("link", name="Sign in")).to_be_visible()
    admin.goto("/events")
    expect(admin.get_by_role("link", name="Sign in")).to_be_visible()
    assert _tab_token(admin) == token  # the same tab, the same server-side state key
    received = "".join(frames)
    assert received  # the reconnects' snapshots were seen
    for private in (customer_email, order_code, admin_email):
        assert private not in received, private


def test_sign_out_empties_the_cart_for_the_next_person(page: Page, live_app) -> None:
    email = unique_email("shared")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/events/lyon-tech-summit")
    page.get_by_label("Quantity of Standard").select_option("2")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "cart" and c["value"]]
    page.goto("/cart")
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Lyon Tech Summit")).to_have_count(0)
    expect(page.get_by_role("link", name="Checkout")).to_have_count(0)


def test_account_lists_sessions_and_signs_them_out(browser: Browser, live_app) -> None:
    email = unique_email("devices")
    create_user(live_app.database_url, email)
    laptop = browser.new_context(base_url=live_app.url).new_page()
    phone = browser.new_context(base_url=live_app.url).new_page()
    tablet = browser.new_context(base_url=live_app.url).new_page()
    for device in (laptop, phone, tablet):
        sign_in(device, email)

    laptop.goto("/account")
    sessions = laptop.get_by_role("region", name="Where you are signed in").get_by_role("table")
    expect(sessions.get_by_role("row")).to_have_count(4)  # header + three browsers
    expect(sessions.get_by_text("This browser")).to_have_count(1)

    sessions.get_by_role("button", name="End the session of this browser").first.click()
    expect(laptop.get_by_role("status").filter(has_text="That browser was signed out.")).to_be_visible()
    expect(sessions.get_by_role("row")).to_have_count(3)
    signed_out = [device for device in (phone, tablet) if _still_signed_in(device) is False]
    assert len(signed_out) == 1

    laptop.get_by_role("button", name="End all sessions").click()
    expect(laptop).to_have_url(re.compile(r"/signin"))
    for device in (laptop, phone, tablet):
        device.goto("/account")
        expect(device).to_have_url(re.compile(r"/signin\?next="))


def _still_signed_in(page: Page) -> bool:
    """Open /account: the header's "Sign out" once connected if signed in, else the sign-in form."""
    page.goto("/account")
    sign_out = page.get_by_role("button", name="Sign out", exact=True)
    sign_in_form = page.get_by_role("button", name="Sign in", exact=True)
    expect(sign_out.or_(sign_in_form)).to_be_visible()
    return sign_out.is_visible()


def test_locked_second_factor_says_so(page: Page, live_app) -> None:
    email = unique_email("lockedadmin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(page, live_app.database_url, email, PASSWORD)  # enrols two-factor
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = page.get_by_label("Authentication code")
    for attempt in range(ACCOUNT_FAILURE_LIMIT):
        code.fill(f"00000{attempt}")
        page.get_by_role("button", name="Verify").click()
        if attempt < ACCOUNT_FAILURE_LIMIT - 1:
            expect(page.get_by_role("alert")).to_contain_text("That code is not correct.")
    expect(page.get_by_role("alert")).to_contain_text(
        "Too many wrong codes. Sign-in with a code is locked for 15 minutes"
    )
