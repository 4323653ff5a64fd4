"""One writer per fact: only services/invoicing/numbering.py creates invoices, their lines and their numbers.

Read from the source (AST), so a new module that writes an invoice or takes a number by hand fails here before
a path can skip the sequence's lock or issue an invoice outside the payment's transaction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ticketapp

PACKAGE = Path(ticketapp.__file__).parent
NUMBERING = PACKAGE / "services" / "invoicing" / "numbering.py"
WRITTEN = {"Invoice", "InvoiceLine", "InvoiceSequence"}


def _writes(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in WRITTEN:
            found.append(f"line {node.lineno}: {name}(…)")
        if name in {"insert", "update", "delete"} and node.args:
            table = node.args[0]
            if isinstance(table, ast.Name) and table.id in WRITTEN:
                found.append(f"line {node.lineno}: {name}({table.id})")
    return found


def test_only_numbering_writes_invoices() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in PACKAGE.rglob("*.py")
        if path != NUMBERING and (found := _writes(path.read_text()))
    }
    assert offenders == {}


def test_the_check_sees_a_write() -> None:
    assert _writes("session.add(Invoice(code='X'))") and _writes("update(InvoiceSequence).values(last_number=1)")
