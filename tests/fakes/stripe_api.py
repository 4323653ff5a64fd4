"""A local HTTP server that plays the parts of Stripe's API that Ticketapp calls.

The real `stripe` library talks to it (its api base pointed here), so the tests
see exactly the requests the code sends: form-encoded bodies, idempotency keys,
amounts in minor units. It also serves a stand-in for the hosted checkout page.

Each Checkout Session has its PaymentIntent, with Stripe's states: `requires_payment_method`
until the buyer pays (`FakeStripe.pay`), then `succeeded` (automatic capture) or
`requires_capture` (`payment_intent_data[capture_method]=manual`: authorised only), which
`/capture` moves to `succeeded` and `/cancel` (or the authorisation lapsing, `lapse`) to
`canceled`. Capturing or cancelling from any other state is refused with Stripe's
`payment_intent_unexpected_state`, and a refund needs a succeeded intent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from urllib.request import Request, urlopen


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class FakeStripe:
    base_url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    _idempotent: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # --- what the buyer and time do on Stripe's side ---------------------------------
    def pay(self, session_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The buyer pays on the hosted page: the completed session and its intent, as webhooks carry them."""
        with self.lock:
            session = self.sessions[session_id]
            intent = self.intents[session["payment_intent"]]
            session["status"] = "complete"
            if intent["capture_method"] == "manual":  # authorised; the money is taken on capture
                intent.update(status="requires_capture", amount_capturable=intent["amount"])
            else:
                intent.update(status="succeeded", amount_received=intent["amount"])
                session["payment_status"] = "paid"
            return dict(session), dict(intent)

    def lapse(self, intent_id: str) -> None:
        """An uncaptured authorisation runs out (Stripe cancels it after about 7 days)."""
        with self.lock:
            intent = self.intents[intent_id]
            intent.update(status="canceled", amount_capturable=0, cancellation_reason="automatic")
            intent["canceled_at"] = int(time.time())

    # --- API behaviour -------------------------------------------------------------
    def handle(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(form)
        if path.startswith("/v1/checkout/sessions/"):
            parts = path.split("/")
            session = self.sessions.get(parts[4])
            if session is None:
                return 404, _error("No such checkout.session", "resource_missing")
            if method == "POST" and len(parts) == 6 and parts[5] == "expire":
                if session["status"] != "open":
                    return 400, _error("Only open sessions can be expired", "checkout_session_expired")
                session["status"] = "expired"
            return 200, session
        if path.startswith("/v1/payment_intents/"):
            return self._intent_call(method, path.split("/")[3:], form)
        if method == "POST" and path == "/v1/refunds":
            intent = self.intents.get(form.get("payment_intent", ""))
            if intent is not None and intent["status"] != "succeeded":  # unknown ids: the tests' own objects
                return 400, _error(
                    f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                    "charge_not_captured" if intent["status"] == "requires_capture" else "resource_missing",
                )
            refund = {
                "id": f"re_{secrets.token_hex(8)}",
                "object": "refund",
                "amount": int(form["amount"]) if "amount" in form else None,
                "payment_intent": form.get("payment_intent"),
                "status": "succeeded",
                "metadata": _nested(form, "metadata"),
            }
            self.refunds.append(refund)
            return 200, refund
        return 404, _error(f"Unrecognized request URL ({method}: {path})", "invalid_request_error")

    def _intent_call(self, method: str, parts: list[str], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent = self.intents.get(parts[0])
        if intent is None:
            return 404, _error(f"No such payment_intent: '{parts[0]}'", "resource_missing")
        action = parts[1] if len(parts) > 1 else ""
        if method == "GET" and not action:
            return 200, intent
        if method == "POST" and action == "capture":
            if intent["status"] != "requires_capture":
                return 400, _unexpected_state(intent, "captured", "requires_capture")
            amount = int(form.get("amount_to_capture") or intent["amount_capturable"])
            if amount > intent["amount_capturable"]:
                return 400, _error("The amount to capture is greater than the amount capturable.", "amount_too_large")
            intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
            return 200, intent
        if method == "POST" and action == "cancel":
            # A Checkout Session's intent can only be cancelled once authorised; before that, the session is expired.
            if intent["status"] != "requires_capture":
                return 400, _unexpected_state(intent, "canceled", "requires_capture")
            intent.update(status="canceled", amount_capturable=0, canceled_at=int(time.time()))
            intent["cancellation_reason"] = form.get("cancellation_reason")
            return 200, intent
        return 404, _error(f"Unrecognized request URL ({method}: /v1/payment_intents/{'/'.join(parts)})", "invalid")

    def _create_session(self, form: dict[str, str]) -> dict[str, Any]:
        session_id = f"cs_test_{secrets.token_hex(12)}"
        amount = 0
        index = 0
        while f"line_items[{index}][quantity]" in form:
            quantity = int(form[f"line_items[{index}][quantity]"])
            amount += quantity * int(form[f"line_items[{index}][price_data][unit_amount]"])
            index += 1
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.base_url}/checkout/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": form.get("line_items[0][price_data][currency]"),
            "customer_email": form.get("customer_email"),
            "client_reference_id": form.get("client_reference_id"),
            "metadata": _nested(form, "metadata"),
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "expires_at": int(form.get("expires_at", time.time() + 3600)),
            "payment_intent": f"pi_test_{secrets.token_hex(8)}",
        }
        self.sessions[session_id] = session
        self.intents[session["payment_intent"]] = {
            "id": session["payment_intent"],
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": session["currency"],
            "capture_method": form.get("payment_intent_data[capture_method]", "automatic_async"),
            "status": "requires_payment_method",
            "metadata": _nested(form, "payment_intent_data[metadata]"),
            "canceled_at": None,
            "cancellation_reason": None,
        }
        return session

    def respond(self, method: str, path: str, headers: dict[str, str], form: dict[str, str]) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(RecordedRequest(method, path, headers, form))
            key = headers.get("idempotency-key")
            if method == "POST" and key and key in self._idempotent:
                return self._idempotent[key]  # Stripe replays the first answer
            result = self.handle(method, path, form)
            if method == "POST" and key:
                self._idempotent[key] = result
            return result


def _nested(form: dict[str, str], prefix: str) -> dict[str, str]:
    start = f"{prefix}["
    return {
        k[len(start) : -1]: v
        for k, v in form.items()
        if k.startswith(start) and k.endswith("]") and "[" not in k[len(start) :]
    }


def _unexpected_state(intent: dict[str, Any], verb: str, allowed: str) -> dict[str, Any]:
    return _error(
        f"This PaymentIntent could not be {verb} because it has a status of {intent['status']}. "
        f"Only a PaymentIntent with one of the following statuses may be {verb}: {allowed}.",
        "payment_intent_unexpected_state",
    )


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def _handler_for(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _dispatch(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else url.query
            form = dict(parse_qsl(raw, keep_blank_values=True))
            if method == "GET" and url.path.startswith("/checkout/"):
                self._hosted_page(url.path.rsplit("/", 1)[-1])
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body = fake.respond(method, url.path, headers, form)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _hosted_page(self, session_id: str) -> None:
            session = fake.sessions.get(session_id, {})
            html = (
                "<!doctype html><html lang='en'><title>Stripe Checkout (test double)</title>"
                f"<h1>Stripe Checkout (test double)</h1><p>Session {session_id}</p>"
                f"<p>Amount: {session.get('amount_total')} {session.get('currency')}</p>"
                f"<a href='{session.get('success_url', '')}'>Back to the shop</a></html>"
            ).encode()
            self.send_response(200 if session else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_DELETE(self) -> None:
            self._dispatch("DELETE")

    return Handler


class FakeStripeServer:
    """`with FakeStripeServer() as fake:` — a running fake on a free loopback port."""

    def __init__(self) -> None:
        self.fake = FakeStripe()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.fake))
        self.fake.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripe:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


WEBHOOK_SECRET = "whsec_test_secret"  # what the integration tests configure as STRIPE_WEBHOOK_SECRET


def sign_webhook(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header made with Stripe's real scheme (HMAC-SHA256 of 't.payload')."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event_payload(event_type: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
    """A webhook body shaped like Stripe's (snapshot event)."""
    return json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "data": {"object": obj},
        }
    ).encode()


def post_signed_webhook(base_url: str, payload: bytes, secret: str) -> dict[str, Any]:
    """POST an event to the app's webhook route signed as Stripe signs it; the route's JSON answer."""
    request = Request(
        f"{base_url}/api/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": sign_webhook(payload, secret), "Content-Type": "application/json"},
        method="POST",
    )
    with urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer
