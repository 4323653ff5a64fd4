"""One writer per fact: only `services/orders/lifecycle.py` changes `Order.status` (or its risk-review
state, `Order.review_state`) or writes `OrderLog` rows.

Read from the source (AST), so a new module that sets an order's status or adds a
log row by hand fails here before any path can skip the audit trail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ticketapp

PACKAGE = Path(ticketapp.__file__).parent
LIFECYCLE = PACKAGE / "services" / "orders" / "lifecycle.py"
SQL_WRITES = {"insert", "update", "delete"}
FIELDS = {"status", "review_state"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_order(node: ast.AST) -> bool:
    """`order`, `paid_order`, `self.order`: the names this code base gives Order objects."""
    return "order" in _name(node).lower()


def _targets(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        found: list[ast.AST] = []
        for target in node.targets:
            found += target.elts if isinstance(target, ast.Tuple) else [target]
        return found
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def _chain_writes(call: ast.Call, table: str) -> bool:
    """Whether a call chain such as `update(Order).where(…).values(…)` starts with a write to `table`."""
    node: ast.AST = call.func
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            if _name(node.func) in SQL_WRITES and node.args and _name(node.args[0]) == table:
                return True
            node = node.func
        else:
            node = node.value
    return False


def _violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node):
            if isinstance(target, ast.Attribute) and target.attr in FIELDS and _is_order(target.value):
                found.append(f"line {node.lineno}: assigns {ast.unparse(target)}")
        if not isinstance(node, ast.Call):
            continue
        called, keywords = _name(node.func), {k.arg for k in node.keywords}
        if called == "OrderLog":
            found.append(f"line {node.lineno}: constructs OrderLog")
        if called in SQL_WRITES and node.args and _name(node.args[0]) == "OrderLog":
            found.append(f"line {node.lineno}: {called}(OrderLog)")
        if called == "Order" and keywords & FIELDS:
            found.append(f"line {node.lineno}: Order(status=…)")
        if called == "values" and keywords & FIELDS and _chain_writes(node, "Order"):
            found.append(f"line {node.lineno}: update(Order).values(status=…)")
        names_status = len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in FIELDS
        if called == "setattr" and names_status and _is_order(node.args[0]):
            found.append(f"line {node.lineno}: setattr(…, 'status', …)")
    return found


def test_no_module_but_the_lifecycle_writes_order_status_or_log_rows() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): problems
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != LIFECYCLE and (problems := _violations(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_check_sees_every_way_of_writing() -> None:
    sample = """
order.status = OrderStatus.PAID
paid_order.status, x = "paid", 1
session.add(OrderLog(order_id=1, note="x"))
session.exec(insert(OrderLog).values(order_id=1))
Order(code="A", status="paid")
session.exec(update(Order).where(col(Order.id) == 1).values(status="expired"))
setattr(order, "status", "paid")
order.review_state = "held"
ticket.status = TicketStatus.VOID
session.exec(update(Ticket).values(status="void"))
"""
    assert len(_violations(sample)) == 8  # the last two lines write tickets, not orders
    assert _violations(LIFECYCLE.read_text(encoding="utf-8"))  # and it finds the lifecycle's own writes
