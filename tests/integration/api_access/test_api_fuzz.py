"""Schemathesis fuzzes every `/api/v1/` operation from its own OpenAPI document: no 5xx, and every
response matches what the document says (status codes, media types, schemas)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlmodel import Session

from tests.factories import make_event, make_order, make_user
from tests.integration.api_access.conftest import not_reflex
from ticketapp.api.routes import with_api_routes
from ticketapp.services.tickets.issuing import issue_tickets

EXAMPLES = 12  # per operation: the whole run stays well under a minute per database


def test_no_server_errors_and_responses_match_the_document(session: Session, auth) -> None:
    _, standard = make_event(session, capacity=500)
    customer = make_user(session, "fuzz@example.com", "Fuzz")
    order, _ = make_order(session, [(standard, 2)], user_id=customer.id)
    issue_tickets(session, order.id)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", with_api_routes(not_reflex))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def fuzz(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=auth)
            case.validate_response(
                response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
            )

        fuzz()
