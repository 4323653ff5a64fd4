"""With Redis, Reflex's opportunistic lock is on unless the operator says otherwise (rxconfig.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]
READ_SETTING = (
    "import rxconfig; from reflex_base.environment import environment; print(environment.REFLEX_OPLOCK_ENABLED.get())"
)


def _oplock_enabled(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("REFLEX_REDIS_URL", "REFLEX_OPLOCK_ENABLED")}
    done = subprocess.run(
        [sys.executable, "-c", READ_SETTING],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/9"}, "True"),
        ({"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/9", "REFLEX_OPLOCK_ENABLED": "false"}, "False"),
        ({}, "False"),  # one worker keeps its states in memory: no Redis lock to hold
    ],
)
def test_the_redis_lock_is_held_between_a_tabs_events_unless_switched_off(env: dict[str, str], expected: str) -> None:
    assert _oplock_enabled(**env) == expected
