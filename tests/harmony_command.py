"""`python -m harmony ...` as an operator runs it: a real process, configured only by its environment."""

from __future__ import annotations

import subprocess
import sys

from harmony.settings import PROJECT_ROOT

BARE_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}


def run_harmony(
    *args: str, env: dict[str, str], answer: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Runs the command with `env` on top of a bare environment (nothing of the test's own leaks in)."""
    return subprocess.run(
        [sys.executable, "-m", "harmony", *args],
        input=answer,
        cwd=PROJECT_ROOT,
        env={**BARE_ENVIRONMENT, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
