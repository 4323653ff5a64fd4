"""`/api/v1/`: the organiser REST API. Parses, checks the token, calls services, serialises; nothing more.

Every operation needs `Authorization: Bearer <API token>` with the area's scope (write implies read);
lists are cursor-paged; errors are application/problem+json; POSTs take an `Idempotency-Key`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketapp.api.v1 import schemas as s
from ticketapp.api.v1 import serialise
from ticketapp.api.v1.docs import reference_page
from ticketapp.api.v1.problems import PROBLEM_TYPE, ApiProblem, problem_body, problem_response, problem_responses
from ticketapp.db import get_engine
from ticketapp.models import Event, Invoice, PromoCode, Question, Ticket, TicketType, WaitlistEntry
from ticketapp.services.api_access import idempotency, resources
from ticketapp.services.api_access import orders as api_orders
from ticketapp.services.api_access.pagination import BadCursorError
from ticketapp.services.api_access.rate_limit import RateLimiter
from ticketapp.services.api_access.resources import Filters
from ticketapp.services.api_access.tokens import ApiCaller, authenticate
from ticketapp.services.booking.inventory import (
    BookingError,
    HoldExpiredError,
    LimitExceededError,
    NotEnoughAvailableError,
)
from ticketapp.services.errors import DomainError
from ticketapp.services.tickets.checkin import EmptyScanError, scan
from ticketapp.services.tickets.tokens import get_signing_key, public_key
from ticketapp.settings import get_settings

BODY_MAX = 64 * 1024
MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"
CONFLICTS = (NotEnoughAvailableError, LimitExceededError, HoldExpiredError)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,32}$", description="the order's code")]
Cursor = Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]*$", description="from next_cursor")]
Limit = Annotated[int, Query(ge=1, le=200)]
Since = Annotated[datetime | None, Query(description="only rows changed at or after this time (ISO 8601)")]
EventFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Status = Annotated[str | None, Query(pattern=r"^[a-z_]{1,24}$")]
Email = Annotated[str | None, Query(max_length=320, pattern=NO_NUL)]
OrderFilter = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9-]{1,32}$")]

bearer = HTTPBearer(auto_error=False, description="an API token from /admin/api-tokens (tka_…)")
COMMON = problem_responses(400, 401, 403, 404, 409, 413, 422, 429)


def _db(request: Request) -> Iterator[Session]:
    engine = getattr(request.app.state, "engine", None) or get_engine()
    with Session(engine, expire_on_commit=False) as session:
        yield session


Db = Annotated[Session, Depends(_db)]


def needs(area: str, level: str) -> Any:
    def dependency(
        request: Request,
        session: Db,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> ApiCaller:
        challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
        if credentials is None:
            raise ApiProblem(401, "Send Authorization: Bearer <API token>.", headers=challenge)
        caller = authenticate(session, credentials.credentials)
        if caller is None:
            raise ApiProblem(
                401, "This token is not valid (unknown, revoked, or its holder is no longer staff).", headers=challenge
            )
        limiter: RateLimiter = request.app.state.rate_limiter
        wait = limiter.check(caller.token_id)
        if wait:
            raise ApiProblem(
                429, "Too many requests for this token; retry later.", headers={"Retry-After": str(int(wait))}
            )
        if not caller.may(area, level):
            raise ApiProblem(403, f"This token lacks the {area}:{level} permission.")
        return caller

    setattr(dependency, "scope", f"{area}:{level}")  # noqa: B010  (read by _openapi for the reference)
    return Depends(dependency)


CheckinsRead = Annotated[ApiCaller, needs("checkins", "read")]
CheckinsWrite = Annotated[ApiCaller, needs("checkins", "write")]
CustomersRead = Annotated[ApiCaller, needs("customers", "read")]
EventsRead = Annotated[ApiCaller, needs("events", "read")]
InvoicesRead = Annotated[ApiCaller, needs("invoices", "read")]
OrdersRead = Annotated[ApiCaller, needs("orders", "read")]
OrdersWrite = Annotated[ApiCaller, needs("orders", "write")]
PromotionsRead = Annotated[ApiCaller, needs("promotions", "read")]
QuestionsRead = Annotated[ApiCaller, needs("questions", "read")]
WaitlistRead = Annotated[ApiCaller, needs("waitlist", "read")]


def _since(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _problem_for(exc: DomainError) -> ApiProblem:
    detail = str(exc)
    if isinstance(exc, BadCursorError):
        return ApiProblem(400, detail)
    if "not found" in detail.lower() or "does not exist" in detail.lower():
        return ApiProblem(404, detail)
    if isinstance(exc, CONFLICTS):
        return ApiProblem(409, detail)
    if isinstance(exc, BookingError):
        return ApiProblem(422, detail)
    return ApiProblem(409 if isinstance(exc, api_orders.ApiOrderError) else 422, detail)


def _produce(work: Callable[[], tuple[int, BaseModel]]) -> tuple[int, str, str]:
    """Run a write: (status, JSON text, media type); domain refusals become problems."""
    try:
        status, model = work()
    except ApiProblem as raised:
        return raised.status, json.dumps(problem_body(raised.status, raised.detail)), PROBLEM_TYPE
    except DomainError as refused:
        problem = _problem_for(refused)
        return problem.status, json.dumps(problem_body(problem.status, problem.detail)), PROBLEM_TYPE
    return status, model.model_dump_json(), "application/json"


def _post(
    request: Request, session: Session, caller: ApiCaller, payload: Any, work: Callable[[], tuple[int, BaseModel]]
) -> Response:
    """A write, once per `Idempotency-Key` (same key and body: the first response again)."""
    key = request.headers.get("idempotency-key")
    if key is None:
        status, body, media = _produce(work)
        return Response(body, status_code=status, media_type=media)
    if not key or len(key) > idempotency.KEY_MAX or not key.isprintable():
        raise ApiProblem(400, f"An Idempotency-Key is 1 to {idempotency.KEY_MAX} printable characters.")
    fingerprint = idempotency.fingerprint(request.method, request.url.path, payload)
    try:
        replay = idempotency.reserve(session, caller.token_id, key, fingerprint)
    except idempotency.KeyReusedError:
        raise ApiProblem(422, "This Idempotency-Key was already used with another request.") from None
    except idempotency.KeyInProgressError:
        raise ApiProblem(409, "The first request with this Idempotency-Key is still running.") from None
    if replay is not None:
        media = "application/json" if replay.status_code < 400 else PROBLEM_TYPE
        return Response(
            replay.body, status_code=replay.status_code, media_type=media, headers={"Idempotent-Replayed": "true"}
        )
    try:
        status, body, media = _produce(work)
    except Exception:
        idempotency.release(session, caller.token_id, key)
        raise
    idempotency.record(session, caller.token_id, key, status, body)
    return Response(body, status_code=status, media_type=media)


class BodyCap:
    """Refuse bodies over BODY_MAX (413) before anything parses them, counting while they stream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > BODY_MAX:
            await problem_response(413, f"Bodies are limited to {BODY_MAX} bytes.")(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > BODY_MAX:
                await problem_response(413, f"Bodies are limited to {BODY_MAX} bytes.")(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def build_api(engine: Any = None) -> FastAPI:
    """The API app; `engine` for tests (else the app's database)."""
    api = FastAPI(
        title="Ticketapp organiser API",
        version="1.0",
        description=(
            "Events, orders, tickets, customers, check-ins, promo codes, waiting lists, questions and invoices. "
            "Authenticate with `Authorization: Bearer <token>` (create tokens at /admin/api-tokens). Lists are "
            "cursor-paged (`limit`, `cursor` from `next_cursor`); `modified_since` filters by change time; errors "
            "are application/problem+json; POSTs accept an `Idempotency-Key` header; each token may make "
            f"{get_settings().api_rate_limit_per_minute} requests a minute (429 with Retry-After beyond)."
        ),
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    api.state.engine = engine
    api.state.rate_limiter = RateLimiter(get_settings().api_rate_limit_per_minute)
    api.add_middleware(BodyCap)

    @api.exception_handler(ApiProblem)
    async def _problem(_: Request, exc: ApiProblem) -> Response:
        return problem_response(exc.status, exc.detail, headers=exc.headers, **exc.extra)

    @api.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> Response:
        problem = _problem_for(exc)
        return problem_response(problem.status, problem.detail)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"field": ".".join(str(p) for p in error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors()
        ][:20]
        body_error = any(e["field"] == "body" or e["field"].startswith("body") for e in errors)
        status = 422 if body_error else 400
        return problem_response(status, "The request is not valid; see errors.", errors=errors)

    @api.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        return problem_response(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))

    _routes(api)
    api.openapi = lambda: _openapi(api)  # type: ignore[method-assign]

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(reference_page(api.openapi()))

    return api


def _routes(api: FastAPI) -> None:
    @api.get("/events", response_model=s.ListOf[s.EventOut], responses=COMMON, tags=["events"])
    def list_events(
        session: Db,
        caller: EventsRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        status: Status = None,
        series_id: EventFilter = None,
    ) -> s.ListOf[s.EventOut]:
        """Events, with their ticket types; `series_id` lists the dates of one series."""
        filters = Filters(cursor, limit, _since(modified_since), status=status, series_id=series_id)
        found = resources.events(session, filters)
        types = resources.ticket_types_of(session, [e.id or 0 for e in found.items])
        return s.ListOf(data=[serialise.event(e, types[e.id or 0]) for e in found.items], next_cursor=found.next_cursor)

    @api.get("/events/{event_id}", response_model=s.EventOut, responses=COMMON, tags=["events"])
    def get_event(session: Db, event_id: Id, caller: EventsRead) -> s.EventOut:
        event = session.get(Event, event_id)
        if event is None:
            raise ApiProblem(404, "No such event.")
        return serialise.event(event, resources.ticket_types_of(session, [event_id])[event_id])

    @api.get("/ticket-types", response_model=s.ListOf[s.TicketTypeOut], responses=COMMON, tags=["events"])
    def list_ticket_types(
        session: Db,
        caller: EventsRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        event_id: EventFilter = None,
    ) -> s.ListOf[s.TicketTypeOut]:
        found = resources.ticket_types(session, Filters(cursor, limit, event_id=event_id))
        return s.ListOf(data=[serialise.ticket_type(t) for t in found.items], next_cursor=found.next_cursor)

    @api.get("/ticket-types/{ticket_type_id}", response_model=s.TicketTypeOut, responses=COMMON, tags=["events"])
    def get_ticket_type(session: Db, ticket_type_id: Id, caller: EventsRead) -> s.TicketTypeOut:
        row = session.get(TicketType, ticket_type_id)
        if row is None:
            raise ApiProblem(404, "No such ticket type.")
        return serialise.ticket_type(row)

    @api.get("/orders", response_model=s.ListOf[s.OrderOut], responses=COMMON, tags=["orders"])
    def list_orders(
        session: Db,
        caller: OrdersRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        status: Status = None,
        event_id: EventFilter = None,
        email: Email = None,
    ) -> s.ListOf[s.OrderOut]:
        """Orders with their items and tickets; filter by status, event, buyer e-mail, change time."""
        found = resources.orders(
            session, Filters(cursor, limit, _since(modified_since), event_id=event_id, status=status, email=email)
        )
        return s.ListOf(data=[serialise.order(v) for v in found.items], next_cursor=found.next_cursor)

    @api.get("/orders/{code}", response_model=s.OrderOut, responses=COMMON, tags=["orders"])
    def get_order(session: Db, code: Code, caller: OrdersRead) -> s.OrderOut:
        view = resources.order(session, code.upper())
        if view is None:
            raise ApiProblem(404, "No such order.")
        return serialise.order(view)

    def _order_out(session: Session, code: str) -> s.OrderOut:
        view = resources.order(session, code)
        assert view is not None  # noqa: S101  (just written)
        return serialise.order(view)

    @api.post("/orders", status_code=201, response_model=s.OrderOut, responses=COMMON, tags=["orders"])
    def create_order(request: Request, session: Db, body: s.OrderIn, caller: OrdersWrite) -> Response:
        """Place an order (seats held and sold under the shop's locks: never oversold). Pending until paid,
        unless `mark_paid`. 409 when there are not enough seats left."""

        def work() -> tuple[int, BaseModel]:
            order = api_orders.create_order(
                session,
                [api_orders.Line(line.ticket_type_id, line.quantity, line.attendee_names) for line in body.items],
                buyer_name=body.buyer_name,
                buyer_email=body.buyer_email,
                locale=body.locale,
                answers=body.answers,
                paid=body.mark_paid,
                actor_id=caller.actor_id,
            )
            return 201, _order_out(session, order.code)

        return _post(request, session, caller, body.model_dump(mode="json"), work)

    @api.post("/orders/{code}/mark-paid", response_model=s.OrderOut, responses=COMMON, tags=["orders"])
    def mark_paid(request: Request, session: Db, code: Code, caller: OrdersWrite) -> Response:
        """The money arrived outside the shop (recorded as a bank transfer); tickets are issued."""
        code = code.upper()

        def work() -> tuple[int, BaseModel]:
            api_orders.mark_paid(session, code, actor_id=caller.actor_id)
            return 200, _order_out(session, code)

        return _post(request, session, caller, {}, work)

    @api.post("/orders/{code}/refund", response_model=s.RefundOut, responses=COMMON, tags=["orders"])
    def refund_order(request: Request, session: Db, code: Code, body: s.RefundIn, caller: OrdersWrite) -> Response:
        """Refund a paid order, or some of its tickets (they become void); the money goes back the way it came."""
        code = code.upper()

        def work() -> tuple[int, BaseModel]:
            refund = api_orders.refund(session, code, body.ticket_ids, body.reason, actor_id=caller.actor_id)
            return 200, serialise.refund(refund, code)

        return _post(request, session, caller, body.model_dump(mode="json"), work)

    @api.post("/orders/{code}/cancel", response_model=s.OrderOut, responses=COMMON, tags=["orders"])
    def cancel_order(request: Request, session: Db, code: Code, caller: OrdersWrite) -> Response:
        """Cancel an unpaid order (its seats are released). A paid order is refunded instead (409)."""
        code = code.upper()

        def work() -> tuple[int, BaseModel]:
            api_orders.cancel(session, code, actor_id=caller.actor_id)
            return 200, _order_out(session, code)

        return _post(request, session, caller, {}, work)

    @api.get("/tickets", response_model=s.ListOf[s.TicketOut], responses=COMMON, tags=["orders"])
    def list_tickets(
        session: Db,
        caller: OrdersRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        event_id: EventFilter = None,
        order_code: OrderFilter = None,
        status: Status = None,
    ) -> s.ListOf[s.TicketOut]:
        found = resources.tickets(
            session, Filters(cursor, limit, event_id=event_id, status=status, order_code=_upper(order_code))
        )
        codes = resources.order_codes(session, [t.order_id for t in found.items])
        return s.ListOf(
            data=[serialise.ticket(t, codes.get(t.order_id, "")) for t in found.items], next_cursor=found.next_cursor
        )

    @api.get("/tickets/{ticket_id}", response_model=s.TicketOut, responses=COMMON, tags=["orders"])
    def get_ticket(session: Db, ticket_id: Id, caller: OrdersRead) -> s.TicketOut:
        row = session.get(Ticket, ticket_id)
        if row is None:
            raise ApiProblem(404, "No such ticket.")
        return serialise.ticket(row, resources.order_codes(session, [row.order_id]).get(row.order_id, ""))

    @api.get("/customers", response_model=s.ListOf[s.CustomerOut], responses=COMMON, tags=["customers"])
    def list_customers(
        session: Db,
        caller: CustomersRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        email: Email = None,
    ) -> s.ListOf[s.CustomerOut]:
        """Customer accounts (buyers without an account appear on their orders only)."""
        found = resources.customers(session, Filters(cursor, limit, _since(modified_since), email=email))
        return s.ListOf(data=[serialise.customer(u) for u in found.items], next_cursor=found.next_cursor)

    @api.get("/customers/{customer_id}", response_model=s.CustomerOut, responses=COMMON, tags=["customers"])
    def get_customer(session: Db, customer_id: Id, caller: CustomersRead) -> s.CustomerOut:
        user = resources.customer(session, customer_id)
        if user is None:
            raise ApiProblem(404, "No such customer.")
        return serialise.customer(user)

    @api.get("/checkins", response_model=s.ListOf[s.CheckinOut], responses=COMMON, tags=["checkins"])
    def list_checkins(
        session: Db,
        caller: CheckinsRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        event_id: EventFilter = None,
    ) -> s.ListOf[s.CheckinOut]:
        """Checked-in tickets; `modified_since` filters by check-in time."""
        found = resources.checkins(session, Filters(cursor, limit, _since(modified_since), event_id=event_id))
        codes = resources.order_codes(session, [t.order_id for t in found.items])
        return s.ListOf(
            data=[serialise.checkin(t, codes.get(t.order_id, "")) for t in found.items], next_cursor=found.next_cursor
        )

    @api.post("/checkins", response_model=s.ScanOut, responses=COMMON, tags=["checkins"])
    def create_checkin(request: Request, session: Db, body: s.CheckinIn, caller: CheckinsWrite) -> Response:
        """Check a ticket in (QR token or code), as a door scanner does; admits at most once."""

        def work() -> tuple[int, BaseModel]:
            if session.get(Event, body.event_id) is None:
                raise ApiProblem(404, "No such event.")
            try:
                result = scan(session, body.event_id, body.scan, caller.actor_id, public_key(get_signing_key()))
            except EmptyScanError as exc:
                raise ApiProblem(422, str(exc)) from None
            return 200, s.ScanOut(
                outcome=result.outcome.value,
                ticket_code=result.ticket_code,
                attendee_name=result.attendee_name,
                ticket_type=result.ticket_type,
                checked_in_at=result.checked_in_at,
            )

        return _post(request, session, caller, body.model_dump(mode="json"), work)

    @api.get("/promo-codes", response_model=s.ListOf[s.PromoCodeOut], responses=COMMON, tags=["promotions"])
    def list_promo_codes(
        session: Db,
        caller: PromotionsRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        event_id: EventFilter = None,
    ) -> s.ListOf[s.PromoCodeOut]:
        found = resources.promo_codes(session, Filters(cursor, limit, _since(modified_since), event_id=event_id))
        return s.ListOf(data=[serialise.promo_code(p) for p in found.items], next_cursor=found.next_cursor)

    @api.get("/promo-codes/{promo_id}", response_model=s.PromoCodeOut, responses=COMMON, tags=["promotions"])
    def get_promo_code(session: Db, promo_id: Id, caller: PromotionsRead) -> s.PromoCodeOut:
        row = session.get(PromoCode, promo_id)
        if row is None:
            raise ApiProblem(404, "No such promo code.")
        return serialise.promo_code(row)

    @api.get("/waitlist-entries", response_model=s.ListOf[s.WaitlistEntryOut], responses=COMMON, tags=["waitlist"])
    def list_waitlist(
        session: Db,
        caller: WaitlistRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        event_id: EventFilter = None,
        status: Status = None,
    ) -> s.ListOf[s.WaitlistEntryOut]:
        found = resources.waitlist_entries(session, Filters(cursor, limit, event_id=event_id, status=status))
        codes = resources.order_codes(session, [w.order_id for w in found.items if w.order_id is not None])
        return s.ListOf(
            data=[serialise.waitlist_entry(w, codes.get(w.order_id or 0)) for w in found.items],
            next_cursor=found.next_cursor,
        )

    @api.get("/waitlist-entries/{entry_id}", response_model=s.WaitlistEntryOut, responses=COMMON, tags=["waitlist"])
    def get_waitlist_entry(session: Db, entry_id: Id, caller: WaitlistRead) -> s.WaitlistEntryOut:
        row = session.get(WaitlistEntry, entry_id)
        if row is None:
            raise ApiProblem(404, "No such waiting-list entry.")
        codes = resources.order_codes(session, [row.order_id] if row.order_id else [])
        return serialise.waitlist_entry(row, codes.get(row.order_id or 0))

    @api.get("/questions", response_model=s.ListOf[s.QuestionOut], responses=COMMON, tags=["questions"])
    def list_questions(
        session: Db,
        caller: QuestionsRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        event_id: EventFilter = None,
    ) -> s.ListOf[s.QuestionOut]:
        found = resources.questions(session, Filters(cursor, limit, _since(modified_since), event_id=event_id))
        return s.ListOf(data=[serialise.question(q) for q in found.items], next_cursor=found.next_cursor)

    @api.get("/questions/{question_id}", response_model=s.QuestionOut, responses=COMMON, tags=["questions"])
    def get_question(session: Db, question_id: Id, caller: QuestionsRead) -> s.QuestionOut:
        row = session.get(Question, question_id)
        if row is None:
            raise ApiProblem(404, "No such question.")
        return serialise.question(row)

    @api.get("/answers", response_model=s.ListOf[s.AnswerOut], responses=COMMON, tags=["questions"])
    def list_answers(
        session: Db,
        caller: QuestionsRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        event_id: EventFilter = None,
        order_code: OrderFilter = None,
    ) -> s.ListOf[s.AnswerOut]:
        """Buyers' answers to the events' questions."""
        found = resources.answers(
            session, Filters(cursor, limit, _since(modified_since), event_id=event_id, order_code=_upper(order_code))
        )
        codes = resources.order_codes(session, [a.order_id for a in found.items])
        return s.ListOf(
            data=[serialise.answer(a, codes.get(a.order_id, "")) for a in found.items], next_cursor=found.next_cursor
        )

    @api.get("/invoices", response_model=s.ListOf[s.InvoiceOut], responses=COMMON, tags=["invoices"])
    def list_invoices(
        session: Db,
        caller: InvoicesRead,
        cursor: Cursor = None,
        limit: Limit = 50,
        modified_since: Since = None,
        order_code: OrderFilter = None,
    ) -> s.ListOf[s.InvoiceOut]:
        """Invoices and credit notes; `modified_since` filters by issue time (an invoice never changes)."""
        found = resources.invoices(
            session, Filters(cursor, limit, _since(modified_since), order_code=_upper(order_code))
        )
        codes = resources.order_codes(session, [i.order_id for i in found.items])
        lines = resources.invoice_lines(session, [i.id or 0 for i in found.items])
        return s.ListOf(
            data=[serialise.invoice(i, codes.get(i.order_id, ""), lines[i.id or 0]) for i in found.items],
            next_cursor=found.next_cursor,
        )

    @api.get("/invoices/{invoice_id}", response_model=s.InvoiceOut, responses=COMMON, tags=["invoices"])
    def get_invoice(session: Db, invoice_id: Id, caller: InvoicesRead) -> s.InvoiceOut:
        row = session.get(Invoice, invoice_id)
        if row is None:
            raise ApiProblem(404, "No such invoice.")
        codes = resources.order_codes(session, [row.order_id])
        return serialise.invoice(
            row, codes.get(row.order_id, ""), resources.invoice_lines(session, [invoice_id])[invoice_id]
        )


def _scope_of(dependant: Any) -> str | None:
    for sub in dependant.dependencies:
        scope = getattr(sub.call, "scope", None) or _scope_of(sub)
        if scope:
            return str(scope)
    return None


def _openapi(api: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with problem+json as the errors' only media type and each operation's scope."""
    if api.openapi_schema:
        return api.openapi_schema
    from fastapi.openapi.utils import get_openapi
    from fastapi.routing import APIRoute

    document = get_openapi(
        title=api.title,
        version=api.version,
        description=api.description,
        routes=api.routes,
        servers=[{"url": "/api/v1"}],
    )
    scopes = {
        (route.path, method.lower()): _scope_of(route.dependant)
        for route in api.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            scope = scopes.get((path, method))
            if scope:
                op["x-required-scope"] = scope
                op["description"] = (op.get("description", "") + f"\n\nNeeds the `{scope}` permission.").strip()
            if method == "post":
                op.setdefault("parameters", []).append(
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "maxLength": idempotency.KEY_MAX},
                        "description": "same key and body: the first response again (24 h)",
                    }
                )
            for response in op.get("responses", {}).values():
                if PROBLEM_TYPE in response.get("content", {}):
                    response["content"] = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    api.openapi_schema = document
    return document


def _upper(code: str | None) -> str | None:
    return code.upper() if code else None
