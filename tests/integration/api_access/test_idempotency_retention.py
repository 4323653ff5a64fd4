"""The hourly job forgets the API's stored POST answers once they are older than a day, and only those."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.factories import make_staff
from ticketapp.db import session_scope, upgrade_database
from ticketapp.models import ApiIdempotencyKey, Role, utcnow
from ticketapp.services.api_access.idempotency import KEEP_FOR
from ticketapp.services.api_access.tokens import create_api_token
from ticketapp.settings import get_settings
from ticketapp.tasks import forget_idempotency_keys


def test_the_hourly_job_drops_keys_older_than_a_day_and_keeps_the_rest() -> None:
    upgrade_database(get_settings().database_url)  # the job's own database: the test process's default
    with session_scope() as session:
        admin = make_staff(session, f"keys-{utcnow().timestamp()}@example.com", "Keys", Role.ADMIN)
        token, _ = create_api_token(session, admin.id or 0, "CRM", ["orders:write"])
        old = ApiIdempotencyKey(
            token_id=token.id or 0, key="old", fingerprint="f", created_at=utcnow() - KEEP_FOR - timedelta(minutes=1)
        )
        recent = ApiIdempotencyKey(token_id=token.id or 0, key="recent", fingerprint="f")
        session.add_all([old, recent])
        session.commit()
        token_id = token.id
    assert forget_idempotency_keys.call_local() >= 1
    with session_scope() as session:
        kept = session.exec(select(ApiIdempotencyKey.key).where(ApiIdempotencyKey.token_id == token_id)).all()
    assert kept == ["recent"]
