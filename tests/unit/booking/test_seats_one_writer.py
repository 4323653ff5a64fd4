"""One writer per fact: only `services/booking/seats.py` writes the seat counters and their row flags.

Read from the source (AST): an assignment to `sold_count`, `held_count`, `counted` or
`seats_counted`, or an UPDATE setting them, anywhere else in the package fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ticketapp

PACKAGE = Path(ticketapp.__file__).parent
SEATS = PACKAGE / "services" / "booking" / "seats.py"
FIELDS = {"sold_count", "held_count", "counted", "seats_counted"}


def _violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                targets += target.elts if isinstance(target, ast.Tuple) else [target]
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        found += [f"line {node.lineno}: {t.attr}" for t in targets if isinstance(t, ast.Attribute) and t.attr in FIELDS]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "values":
            found += [f"line {node.lineno}: values({k.arg}=…)" for k in node.keywords if k.arg in FIELDS]
    return found


def test_only_seats_writes_the_counters() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in PACKAGE.rglob("*.py")
        if path != SEATS and (found := _violations(path.read_text()))
    }
    assert offenders == {}


def test_the_check_sees_a_write() -> None:
    assert _violations("ticket_type.sold_count += 2\nhold.counted = True\n") == [
        "line 1: sold_count",
        "line 2: counted",
    ]
    assert _violations("session.exec(update(TicketType).values(held_count=0))") == ["line 1: values(held_count=…)"]
    assert _violations(SEATS.read_text())  # the writer itself is seen writing
