"""The web layer's thread rule (see ticketapp/state/base.py), checked on the source of every state module.

A database block is a function whose first parameter is the Session: annotated `Session`, or
a lambda's `s`/`session`. Handlers run blocks with `await run_db(block, *args)` in a worker
thread, so nothing under state/ opens a session itself, argon2 runs only inside a block, and a
block never touches `self` (no state var changes off the event loop).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STATE_DIR = Path(__file__).resolve().parents[2] / "ticketapp" / "state"
STATE_FILES = sorted(STATE_DIR.rglob("*.py"))
OPENS_A_SESSION = {"session_scope", "rx.session", "Session", "sqlmodel.Session"}
ARGON2 = {"verify_password", "hash_password"}
LAMBDA_SESSION_NAMES = {"s", "session"}

Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _called_name(call: ast.Call) -> str:
    return ast.unparse(call.func)


def _first_parameter(function: Function) -> ast.arg | None:
    parameters = function.args.posonlyargs + function.args.args
    return parameters[0] if parameters else None


def _is_block(function: Function) -> bool:
    first = _first_parameter(function)
    if first is None:
        return False
    if isinstance(function, ast.Lambda):
        return first.arg in LAMBDA_SESSION_NAMES
    return first.annotation is not None and ast.unparse(first.annotation) in {"Session", "sqlmodel.Session"}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _enclosing_functions(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[Function]:
    found = []
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            found.append(node)
    return found


def _problems(source: str, label: str) -> list[str]:
    tree = ast.parse(source)
    parents = _parents(tree)

    def _where(node: ast.AST) -> str:
        return f"{label}:{getattr(node, 'lineno', '?')}"

    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in OPENS_A_SESSION:
                problems.append(f"{_where(node)} opens a session ({name}): pass a block to run_db instead")
            if name.rsplit(".", 1)[-1] in ARGON2 and not any(_is_block(f) for f in _enclosing_functions(node, parents)):
                problems.append(f"{_where(node)} runs argon2 ({name}) outside a database block")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and _is_block(node):
            if isinstance(node, ast.AsyncFunctionDef):
                problems.append(f"{_where(node)} a database block must be a plain (sync) function")
            uses_self = any(isinstance(n, ast.Name) and n.id == "self" for n in ast.walk(node))
            if uses_self:
                problems.append(f"{_where(node)} a database block touches `self`: pass it plain values")
        if isinstance(node, ast.ClassDef):
            for method in node.body:
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                    names = [a.arg for a in method.args.args[1:]]
                    annotations = [ast.unparse(a.annotation) for a in method.args.args[1:] if a.annotation]
                    if "session" in names or "Session" in annotations:
                        problems.append(
                            f"{_where(method)} {node.name}.{method.name} takes a session: "
                            "state methods run on the event loop; make it a module-level block"
                        )
    return problems


@pytest.mark.parametrize("path", STATE_FILES, ids=lambda p: str(p.relative_to(STATE_DIR)))
def test_database_work_runs_in_blocks_off_the_event_loop(path: Path) -> None:
    assert _problems(path.read_text(encoding="utf-8"), str(path.relative_to(STATE_DIR))) == []


MISTAKES = """
class S:
    async def load(self):
        with session_scope() as session:
            pass
        verify_password("x", "y")
        await run_db(lambda s: self.rows)

    def _rows(self, session):
        pass


async def _block(session: Session) -> None:
    pass


def _fine(session: Session, password: str) -> bool:
    return verify_password(password, "hash")
"""


def test_the_rule_catches_each_kind_of_mistake() -> None:
    found = _problems(MISTAKES, "sample")
    assert len(found) == 5, found
    for expected in ("opens a session", "runs argon2", "touches `self`", "S._rows takes a session", "plain (sync)"):
        assert any(expected in problem for problem in found), (expected, found)
