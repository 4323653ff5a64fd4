"""`python -m ticketapp staff-token`: tokens for staff only, usable once printed."""

from __future__ import annotations

import secrets

from sqlmodel import Session

from tests.factories import make_staff, make_user
from ticketapp.cli import main
from ticketapp.db import get_engine, upgrade_database
from ticketapp.models import Role
from ticketapp.services.tickets.staff_tokens import authenticate_staff_token
from ticketapp.settings import get_settings


def test_staff_token_command(capsys) -> None:
    upgrade_database(get_settings().database_url)
    suffix = secrets.token_hex(3)
    with Session(get_engine(), expire_on_commit=False) as session:
        agent = make_staff(session, f"agent-{suffix}@example.com", "Agent", role=Role.AGENT)
        make_user(session, f"customer-{suffix}@example.com", "Customer")

    assert main(["staff-token", f"agent-{suffix}@example.com", "--label", "Gate B"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    with Session(get_engine()) as session:
        assert authenticate_staff_token(session, token) == agent.id

    assert main(["staff-token", f"customer-{suffix}@example.com"]) == 1
    assert "admins and agents" in capsys.readouterr().err
    assert main(["staff-token", "nobody@example.com"]) == 1
    assert main(["staff-token", f"agent-{suffix}@example.com", "--label", "  "]) == 1
    assert "label" in capsys.readouterr().err
