"""Signing in with a cart cookie (password or OAuth): the browser's cart joins the account,
someone else's is not taken."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_event, token
from tests.support_oidc import Person
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Cart, Hold, User
from ticketapp.services.booking import holds
from ticketapp.services.booking.cart import cart_item_count


def _user(session: Session, email: str) -> int:
    user = User(email=email, display_name=email.split("@")[0], password_hash="x")
    session.add(user)
    session.commit()
    return user.id or 0


def test_anonymous_cart_joins_the_account_and_folds_in_its_saved_cart(session: Session) -> None:
    _, standard = make_event(session)
    _, other_type = make_event(session)
    user_id = _user(session, "merge@example.com")
    saved, browser = token(), token()
    holds.set_hold_quantity(session, saved, other_type.id, 1)
    holds.merge_cart_into_user(session, saved, user_id)  # a cart saved from another device
    holds.set_hold_quantity(session, browser, standard.id, 2)

    kept = holds.merge_browser_cart_on_sign_in(session, browser, user_id)

    assert kept == browser
    assert cart_item_count(session, browser) == 3
    assert set(session.exec(select(Hold.user_id)).all()) == {user_id}


def test_a_cart_left_by_another_account_is_not_taken_over(session: Session) -> None:
    _, standard = make_event(session)
    first = _user(session, "first@example.com")
    second = _user(session, "second@example.com")
    browser = token()
    holds.set_hold_quantity(session, browser, standard.id, 2)
    holds.merge_browser_cart_on_sign_in(session, browser, first)

    kept = holds.merge_browser_cart_on_sign_in(session, browser, second)

    assert kept != browser
    assert cart_item_count(session, browser) == 2
    assert cart_item_count(session, kept) == 0
    owners = {cart.token: cart.user_id for cart in session.exec(select(Cart)).all()}
    assert owners[browser] == first and owners[kept] == second


def test_oauth_callback_merges_the_browser_cart_into_the_account(session: Session, oidc, oidc_provider) -> None:
    async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    _, standard = make_event(session)
    browser_cart = token()
    holds.set_hold_quantity(session, browser_cart, standard.id, 2)
    oidc_provider.person = Person("sub-cart", "cart.owner@example.org", name="Cart Owner")
    client = TestClient(with_api_routes(reflex_stand_in))
    start = client.get("/auth/oauth/oidc/start?next=/cart", follow_redirects=False)
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=5)
    params = parse_qs(urlsplit(at_provider.headers["Location"]).query)
    client.cookies.set("cart", browser_cart)
    done = client.get(
        "/auth/oauth/oidc/callback",
        params={"code": params["code"][0], "state": params["state"][0]},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/cart"
    user = session.exec(select(User).where(User.email == "cart.owner@example.org")).one()
    session.expire_all()
    assert session.exec(select(Cart).where(Cart.token == browser_cart)).one().user_id == user.id
    assert set(session.exec(select(Hold.user_id)).all()) == {user.id}
