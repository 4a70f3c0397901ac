"""The production profile as the tests start it: a temp dir, free ports, the e2e stack's pinned clock and raised limits."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harmony.launcher.production import Production, running_production
from harmony.settings import PROJECT_ROOT, load_settings
from tests.e2e.conftest import CLOCK_START, E2E_FAILED_CHECKS, E2E_RATE_LIMITS
from tests.ports import free_port

PARTS: tuple[str, ...] = ("postgres", "redis", "rasa-balancer", "actions-balancer", "gateway-1", "gateway-2")
PARTS += ("rasa-1", "rasa-2", "actions-1", "actions-2")
KEEP_LOGS_VARIABLE = "HARMONY_TEST_KEEP_LOGS"  # a folder: the profile's logs are copied there at the end


@contextmanager
def started_production(prefix: str) -> Iterator[Production]:
    # Not pytest's tmp dir: as root PostgreSQL runs as `postgres`, which cannot enter /tmp/pytest-of-root.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    settings = load_settings(
        {
            "HARMONY_PRODUCTION_DIR": str(root),
            "HARMONY_VAR_DIR": str(root),
            "HARMONY_PUBLIC_PORT": str(free_port()),
            "HARMONY_PRODUCTION_PORTS": ",".join(f"{name}={free_port()}" for name in PARTS),
            "HARMONY_MODELS_DIR": str(PROJECT_ROOT / "models"),
            "HARMONY_CLOCK_START": CLOCK_START,
            "HARMONY_RATE_LIMITS": E2E_RATE_LIMITS,  # many customers from one address
            "HARMONY_FAILED_CHECKS": E2E_FAILED_CHECKS,
        }
    )
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("HARMONY_CLOCK_START", CLOCK_START)  # the demo orders are loaded in this process
            with running_production(settings) as started:
                yield started
    finally:
        kept = os.environ.get(KEEP_LOGS_VARIABLE)
        if kept:  # the logs outlive the run, to read a failure afterwards
            shutil.copytree(root / "logs", kept, dirs_exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)
