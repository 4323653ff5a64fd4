"""The widget's routes and rules (api/widget.py, services/widget): allowed sites only, a new cart on checkout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_event, make_staff
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Hold, Role, WidgetOrigin
from ticketapp.services.widget import origins
from ticketapp.services.widget.origins import WidgetOriginError

SITE = "https://club.example.org"


@pytest.fixture
def client(app_db: str) -> Iterator[TestClient]:
    async def reflex_stand_in(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await PlainTextResponse("reflex")(scope, receive, send)

    yield TestClient(with_api_routes(reflex_stand_in))


@pytest.fixture
def allowed(session: Session) -> str:
    admin = make_staff(session, "admin@example.com", "Admin", Role.ADMIN)
    return origins.add(session, " https://Club.Example.org/ ", actor_id=admin.id or 0)


def test_the_script_is_served_for_any_site(client: TestClient) -> None:
    response = client.get("/widget/v1/ticketapp.js")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert "--ticketapp-accent" in response.text and "/widget/v1/checkout" in response.text
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"


def test_the_event_json_answers_allowed_sites_only(client: TestClient, session: Session, allowed: str) -> None:
    assert allowed == SITE
    event, ticket_type = make_event(session, capacity=5, max_per_order=3)
    response = client.get(f"/widget/v1/events/{event.slug}.json?lang=fr", headers={"Origin": SITE})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == SITE
    body = response.json()
    assert body["title"] == event.title and body["on_sale"] is True
    assert body["ticket_types"] == [
        {
            "id": ticket_type.id,
            "name": ticket_type.name,
            "description": "",
            "price": body["ticket_types"][0]["price"],
            "max": 3,
        }
    ]
    assert body["labels"]["continue"] == "Continuer vers le paiement"
    refused = client.get(f"/widget/v1/events/{event.slug}.json", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    assert client.get("/widget/v1/events/no-such-event.json", headers={"Origin": SITE}).status_code == 404


def test_checkout_holds_the_tickets_in_a_new_cart_and_hands_over_to_the_shop(
    client: TestClient, session: Session, allowed: str
) -> None:
    event, ticket_type = make_event(session, capacity=5)
    form = {"event": event.slug, f"qty-{ticket_type.id}": "2", "lang": "en"}
    response = client.post("/widget/v1/checkout", data=form, headers={"Origin": SITE}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/checkout"
    assert len(response.cookies["cart"]) >= 20  # the shop's cart cookie, a fresh token
    session.expire_all()
    [hold] = session.exec(select(Hold).where(Hold.ticket_type_id == ticket_type.id)).all()
    assert hold.quantity == 2


@pytest.mark.parametrize(
    ("origin", "form", "status"),
    [
        ("https://evil.example", {"qty-1": "1"}, 403),
        (None, {"qty-1": "1"}, 403),
        (SITE, {}, 409),
        (SITE, {"qty-999999": "1"}, 409),
        (SITE, {"qty-TYPE": "99"}, 409),  # above the per-order limit
        (SITE, {"qty-TYPE": "-1"}, 409),
    ],
)
def test_bad_checkouts_change_nothing(
    client: TestClient, session: Session, allowed: str, origin: str | None, form: dict[str, str], status: int
) -> None:
    event, ticket_type = make_event(session, capacity=5)
    data = {"event": event.slug} | {k.replace("TYPE", str(ticket_type.id)): v for k, v in form.items()}
    headers = {"Origin": origin} if origin else {}
    response = client.post("/widget/v1/checkout", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == status and "cart" not in response.cookies
    assert session.exec(select(Hold)).all() == []


@pytest.mark.parametrize(
    "text",
    ["", "example.org", "ftp://example.org", "https://example.org/shop", "https://u:p@example.org", "https://x:99999"],
)
def test_only_plain_site_addresses_can_be_allowed(session: Session, text: str) -> None:
    admin = make_staff(session, "admin2@example.com", "Admin", Role.ADMIN)
    with pytest.raises(WidgetOriginError):
        origins.add(session, text, actor_id=admin.id or 0)
    assert session.exec(select(WidgetOrigin)).all() == []


def test_a_site_is_allowed_once_and_can_be_removed(session: Session, allowed: str) -> None:
    admin = make_staff(session, "admin3@example.com", "Admin", Role.ADMIN)
    with pytest.raises(WidgetOriginError, match="already allowed"):
        origins.add(session, "https://club.example.org", actor_id=admin.id or 0)
    origins.remove(session, SITE, actor_id=admin.id or 0)
    assert origins.allowed(session) == [] and not origins.is_allowed(session, SITE)
