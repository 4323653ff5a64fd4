"""The periodic hold sweep job runs against the configured database and tidies expired rows."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.factories import make_event, token
from ticketapp.db import session_scope, upgrade_database
from ticketapp.models import Hold, JobHeartbeat, utcnow
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking.inventory import SWEEP_GRACE
from ticketapp.settings import get_settings
from ticketapp.tasks import HOLD_SWEEP_JOB, sweep_holds


def test_sweep_job_deletes_long_expired_holds_and_records_a_heartbeat() -> None:
    upgrade_database(get_settings().database_url)  # the test process's own default database
    with session_scope() as session:
        _, tt = make_event(session, capacity=10)
        long_ago = utcnow() - SWEEP_GRACE - timedelta(hours=1)
        hold_service.set_hold_quantity(session, token(), tt.id, 2, now=long_ago)
        live = hold_service.set_hold_quantity(session, token(), tt.id, 3)
    sweep_holds.call_local()
    with session_scope() as session:
        assert [h.id for h in session.exec(select(Hold).where(Hold.ticket_type_id == tt.id)).all()] == [live.id]
        assert session.get(JobHeartbeat, HOLD_SWEEP_JOB) is not None
