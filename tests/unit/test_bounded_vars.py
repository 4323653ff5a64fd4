"""Every handler a browser can call with a key or free text stores only known keys, capped.

Each case calls the handler the way Reflex does (the handler's function on a state of a
fresh tree) with an unknown key and a 1 MB value, then checks that nothing was stored
under the unknown key and that the state's size did not grow by the value.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import reflex as rx
from reflex.state import State

from ticketapp.services.accounts.access import Viewer
from ticketapp.state import bounded
from ticketapp.state.account.signin import SignInState, SignUpState
from ticketapp.state.admin.event_form import AdminEventFormState
from ticketapp.state.admin.orders import AdminOrderState
from ticketapp.state.admin.people import AdminCustomersState, AdminStaffState
from ticketapp.state.shop.cart import CartState
from ticketapp.state.shop.catalog import EventPageState
from ticketapp.state.shop.checkout import CheckoutState
from ticketapp.state.shop.payment import OrderPaymentState
from ticketapp.state.shop.search import SearchState
from ticketapp.state.support.admin import SupportAdminState
from ticketapp.state.support.agent_chats import AgentChatState
from ticketapp.state.support.agent_tickets import AgentTicketState
from ticketapp.state.support.chat import SupportChatState

HUGE = "x" * 1_000_000
UNKNOWN = "not-a-key-" + "k" * 1_000
ADMIN = Viewer(id=1, name="Boss", email="boss@example.com", role="admin", two_factor_enabled=True)
# Room for a capped value (the largest cap) plus JSON quoting; far below the 1 MB sent.
ALLOWED_GROWTH = bounded.TEXT_MAX + 100


def _fresh(state_cls: type[rx.State]) -> Any:
    root = State(_reflex_internal_init=True)
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def _run(result: Any) -> Any:
    """Await (or drain an event chain) on a private loop (the browser tests may own this thread's loop)."""
    if inspect.isasyncgen(result):

        async def drain() -> list[Any]:
            return [item async for item in result]

        return _on_private_loop(drain())
    if inspect.isawaitable(result):

        async def wait() -> Any:
            return await result

        return _on_private_loop(wait())
    return result


def _on_private_loop(coroutine: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _size(state: rx.State) -> int:
    """The state's own vars, as the bytes they take serialised (what grows with stored input)."""
    names = [name for name in type(state).get_fields() if not name.startswith(("rx_router", "router", "_reflex"))]
    return len(json.dumps({name: getattr(state, name) for name in names}, default=str))


def _call(state: rx.State, handler: str, *args: Any) -> Any:
    return _run(type(state).event_handlers[handler].fn(state, *args))


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff pages see a signed-in admin (the guard itself is tested elsewhere)."""

    async def admin(_state: rx.State, _role: str) -> Viewer:
        return ADMIN

    monkeypatch.setattr("ticketapp.state.base.staff_viewer", admin)


def _unchanged_for_unknown_key(state: rx.State, handler: str, var: str, *, extra: tuple[Any, ...] = ()) -> None:
    before, size = json.dumps(getattr(state, var), default=str), _size(state)
    _call(state, handler, *extra, UNKNOWN, HUGE)
    assert json.dumps(getattr(state, var), default=str) == before, f"{handler} stored an unknown key"
    assert _size(state) == size, f"{handler} grew the state"


def _capped(state: rx.State, read: Callable[[], str], call: Callable[[], Any], cap: int) -> None:
    size = _size(state)
    call()
    assert len(read()) == cap
    assert _size(state) - size <= ALLOWED_GROWTH


def test_clip_form_values_and_known_key() -> None:
    assert bounded.clip(HUGE, bounded.NAME_MAX) == "x" * bounded.NAME_MAX
    assert bounded.clip({"a": HUGE}, 10) == "" and bounded.clip(3, 10) == "3"
    assert bounded.form_values({"name": HUGE, UNKNOWN: HUGE}, {"name": 5, "email": 5}) == {"name": "xxxxx", "email": ""}
    assert bounded.form_values([HUGE], {"name": 5}) == {"name": ""}
    assert bounded.known_key("7", {"7"}) == "7" and bounded.known_key(UNKNOWN, {"7"}) is None
    assert bounded.known_key(["7"], {"7"}) is None


def test_event_page_quantity_only_for_its_own_ticket_types() -> None:
    state = _fresh(EventPageState)
    state.ticket_types = [{"id": "7", "can_buy": "1", "max": "10"}]
    state.quantities = {"7": "1"}
    _unchanged_for_unknown_key(state, "set_quantity", "quantities")
    _capped(state, lambda: state.quantities["7"], lambda: _call(state, "set_quantity", "7", HUGE), bounded.SHORT_MAX)
    assert list(state.quantities) == ["7"]


def test_cart_quantity_only_for_a_line_of_the_cart() -> None:
    state = _fresh(CartState)
    state.lines = [{"id": "7", "quantity": "1"}]
    before, size = dict(state.lines[0]), _size(state)
    assert _call(state, "set_quantity", UNKNOWN, HUGE) is None  # refused before any database work
    assert (state.lines[0], state.error, _size(state)) == (before, "", size)


def test_checkout_takes_only_its_own_fields_capped() -> None:
    state = _fresh(CheckoutState)
    state.attendee_fields = [{"key": "7:0", "label": "Attendee 1"}]
    size = _size(state)
    form = {"buyer-name": HUGE, "buyer-email": HUGE, "attendee-7:0": HUGE, UNKNOWN: HUGE, "attendee-" + UNKNOWN: HUGE}
    _call(state, "place_order", form)  # terms not accepted: it stops after reading the form
    assert (len(state.buyer_name), len(state.buyer_email)) == (bounded.NAME_MAX, bounded.EMAIL_MAX)
    assert list(state.attendees) == ["7:0"] and len(state.attendees["7:0"]) == bounded.NAME_MAX
    assert state.error and _size(state) - size <= ALLOWED_GROWTH
    _call(state, "place_order", HUGE)  # not even a form: every field empty, nothing stored
    assert (state.buyer_name, state.attendees) == ("", {"7:0": ""})


def test_checkout_and_payment_method_capped() -> None:
    checkout, payment = _fresh(CheckoutState), _fresh(OrderPaymentState)
    _capped(checkout, lambda: checkout.payment_method, lambda: _call(checkout, "set_payment_method", HUGE), 100)
    _capped(payment, lambda: payment.method, lambda: _call(payment, "set_method", HUGE), 100)


@pytest.mark.usefixtures("as_admin")
def test_event_form_fields_known_names_only() -> None:
    state = _fresh(AdminEventFormState)
    state.form, state.ticket_types = {"title": "Rock"}, [{"id": "", "name": "Standard", "sold": "0"}]
    _unchanged_for_unknown_key(state, "set_field", "form")
    _unchanged_for_unknown_key(state, "set_type_field", "ticket_types", extra=(0,))
    for bad_index in (5, -1, HUGE, "9" * 10_000):
        _call(state, "set_type_field", bad_index, "name", HUGE)
    assert state.ticket_types[0]["name"] == "Standard"
    for flag in ("sold", "id", "image_url", "status"):
        _call(state, "set_type_field", 0, flag, "1")
        _call(state, "set_field", flag, "1")
    assert state.ticket_types[0]["sold"] == "0" and set(state.form) == {"title"}
    _capped(state, lambda: state.form["description"], lambda: _call(state, "set_field", "description", HUGE), 5_000)
    _capped(state, lambda: state.ticket_types[0]["name"], lambda: _call(state, "set_type_field", 0, "name", HUGE), 200)
    # Texts in other languages: known languages only, capped like the main ones.
    for crafted in ("title_xx", "title_", "description_fr ", "name_fr"):
        _call(state, "set_field", crafted, "x")
    _call(state, "set_type_field", 0, "name_klingon", "x")
    assert "title_xx" not in state.form and "name_fr" not in state.form and "name_klingon" not in state.ticket_types[0]
    _capped(state, lambda: state.form["title_fr"], lambda: _call(state, "set_field", "title_fr", HUGE), 200)
    _capped(
        state, lambda: state.ticket_types[0]["name_ar"], lambda: _call(state, "set_type_field", 0, "name_ar", HUGE), 200
    )
    _call(state, "set_text_lang", "de")
    assert state.text_lang == "de"
    for lang in ("xx", HUGE, "FR", 3):
        _call(state, "set_text_lang", lang)
        assert state.text_lang == ""  # no language part shown, nothing stored


@pytest.mark.usefixtures("as_admin")
def test_support_admin_fields_known_names_only() -> None:
    state = _fresh(SupportAdminState)
    size, before = _size(state), {name: getattr(state, name) for name in state.base_vars}
    _call(state, "set_field", UNKNOWN, HUGE)
    _call(state, "set_field", "forbidden", False)
    assert {name: getattr(state, name) for name in state.base_vars} == before and _size(state) == size
    _capped(state, lambda: state.canned_body, lambda: _call(state, "set_field", "canned_body", HUGE), 5_000)


def test_support_admin_fields_refused_to_a_customer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A crafted set_field from someone who is not an admin (here a customer) changes nothing."""

    async def customer(_state: rx.State, _role: str) -> None:
        return None  # staff_viewer's answer for a customer: not staff

    monkeypatch.setattr("ticketapp.state.base.staff_viewer", customer)
    state = _fresh(SupportAdminState)
    _call(state, "set_field", "canned_body", "Free tickets for everyone")
    _call(state, "set_field", "faq_answer", "<script>")
    assert (state.canned_body, state.faq_answer, state.forbidden) == ("", "", True)


@pytest.mark.usefixtures("as_admin")
def test_order_attendee_names_only_for_the_orders_tickets() -> None:
    state = _fresh(AdminOrderState)
    state.names = {"3": "Ada"}
    _unchanged_for_unknown_key(state, "set_name", "names")
    _capped(state, lambda: state.names["3"], lambda: _call(state, "set_name", "3", HUGE), bounded.NAME_MAX)
    _capped(state, lambda: state.refund_reason, lambda: _call(state, "set_refund_reason", HUGE), 200)


@pytest.mark.usefixtures("as_admin")
def test_people_texts_capped() -> None:
    customers, staff = _fresh(AdminCustomersState), _fresh(AdminStaffState)
    _capped(customers, lambda: customers.reason, lambda: _call(customers, "set_reason", HUGE), 300)
    _capped(staff, lambda: staff.invite_email, lambda: _call(staff, "set_invite_email", HUGE), 320)
    _capped(staff, lambda: staff.invite_name, lambda: _call(staff, "set_invite_name", HUGE), 120)
    _call(staff, "set_invite_role", HUGE)
    assert staff.invite_role == "agent"


def test_chat_drafts_capped_and_typing_stores_nothing() -> None:
    chat = _fresh(SupportChatState)
    chat._typing_written = time.time()  # the typing sign was just written: no database call
    _capped(chat, lambda: chat.draft, lambda: _call(chat, "set_draft", HUGE), bounded.TEXT_MAX)
    tickets = _fresh(AgentTicketState)
    _capped(tickets, lambda: tickets.reply_draft, lambda: _call(tickets, "set_reply_draft", HUGE), bounded.TEXT_MAX)
    agent = _fresh(AgentChatState)
    size = _size(agent)
    _call(agent, "typing", HUGE)
    assert _size(agent) == size


def test_search_filters_capped() -> None:
    state = _fresh(SearchState)
    _capped(state, lambda: state.text, lambda: _call(state, "set_text", HUGE), bounded.SEARCH_MAX)
    for handler, var in [("set_category", "category"), ("set_city", "city"), ("set_price_min", "price_min")]:
        _capped(state, lambda var=var: getattr(state, var), lambda h=handler: _call(state, h, HUGE), 100)


def test_sign_in_and_sign_up_cap_what_they_keep() -> None:
    sign_up = _fresh(SignUpState)
    _capped(sign_up, lambda: sign_up._email, lambda: _call(sign_up, "remember_email", HUGE), bounded.EMAIL_MAX)
    size = _size(sign_up)
    # Two different (over-long) passwords: refused before any database work, nothing kept.
    _call(sign_up, "submit", {"email": HUGE, "password": HUGE, "password_confirm": "y", UNKNOWN: HUGE})
    assert sign_up.error and _size(sign_up) - size < 200
    sign_in = _fresh(SignInState)
    assert _size(sign_in) < 10_000


def test_display_currency_only_from_the_offered_list() -> None:
    from ticketapp.state.locale import LocaleState

    state = _fresh(LocaleState)
    _call(state, "set_currency", "USD")
    assert state.currency_cookie == "USD"
    for crafted in (HUGE, "usd; path=/", "XXX", UNKNOWN):
        _call(state, "set_currency", crafted)
        assert state.currency_cookie == ""


def test_checkout_answers_only_for_its_own_questions_capped() -> None:
    """A crafted place_order with unknown answer keys and 1 MB answers keeps only the page's own fields,
    each capped (the service then refuses the over-long one: tests/integration/questions)."""
    from ticketapp.services.questions.answers import RAW_MAX

    state = _fresh(CheckoutState)
    state.question_fields = [
        {"key": "q7", "control": "answer-q7", "kind": "text"},
        {"key": "q8", "control": "answer-q8", "kind": "multiple_choice"},
    ]
    state.question_options = {"q8": ["A", "B"]}
    size = _size(state)
    form = {"answer-q7": HUGE, "answer-q8-1": "on", "answer-q8-9": "on", "answer-q9": HUGE, "answer-" + UNKNOWN: HUGE}
    _call(state, "place_order", form)  # terms not accepted: it stops after reading the form
    assert state.answers == {"q7": "x" * RAW_MAX, "q8": "B"}
    assert state.error and _size(state) - size <= ALLOWED_GROWTH


@pytest.mark.usefixtures("as_admin")
def test_question_form_keeps_known_fields_capped() -> None:
    from ticketapp.state.admin.questions import AdminQuestionsState

    state = _fresh(AdminQuestionsState)
    state.ticket_types = [{"id": "3", "name": "VIP"}]
    values = state._form({"label": HUGE, "options": HUGE, "type-3": "on", "type-4": "on", UNKNOWN: HUGE})
    assert (len(values["label"]), len(values["options"])) == (200, bounded.TEXT_MAX)
    assert values["ticket_type_ids"] == "3" and UNKNOWN not in values
    size = _size(state)
    for handler in ("edit", "move_up", "move_down", "remove"):
        _call(state, handler, HUGE)  # not an id: refused before any database work
    assert _size(state) == size and state.editing == ""
