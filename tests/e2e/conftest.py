"""Starts the real action server and Rasa server (trained model) once for the e2e tests.

The stack's clock is pinned (HARMONY_CLOCK_START) to a Tuesday 10:00 in Paris, inside the fr
agents' hours (kb/handoff.yml), so the hand-off notices are known; the demo orders are placed
relative to the same instant.
"""

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from harmony.database_setup import prepare_database
from harmony.launcher.stack import running_stack
from harmony.launcher.training import ensure_model
from harmony.settings import PROJECT_ROOT, Settings, load_settings
from tests.browser import chromium_browser
from tests.conftest import fresh_postgres_database
from tests.e2e.widget_page import watched_page
from tests.ports import free_port

CLOCK_START = "2026-12-08T10:00:00+01:00"  # Tuesday 8 December 2026, 10:00 Europe/Paris
# The demo orders are everyone's here: many tests' wrong e-mails and numbers add up on the same keys
# (test_verification_attack.py checks the default lock-outs on a stack of its own).
E2E_FAILED_CHECKS = "email=1000,order=1000,client=100000"
E2E_RATE_LIMITS = "conversations_per_client=10000/600,messages_per_client=10000/60,handoffs_per_client=1000/600"


def _running(tmp_path_factory: pytest.TempPathFactory, extra_env: dict[str, str]) -> Iterator[Settings]:
    var_dir: Path = tmp_path_factory.mktemp("var")
    settings = load_settings(
        {
            "HARMONY_VAR_DIR": str(var_dir),
            "HARMONY_RASA_PORT": str(free_port()),
            "HARMONY_ACTION_PORT": str(free_port()),
            "HARMONY_GATEWAY_PORT": str(free_port()),
            "HARMONY_MODELS_DIR": str(PROJECT_ROOT / "models"),
            "HARMONY_CLOCK_START": CLOCK_START,
            # Every test is one client (127.0.0.1): its budget of new conversations and messages is
            # the whole suite's, not one customer's. test_fuzz.py checks the defaults on a gateway of its own.
            "HARMONY_RATE_LIMITS": E2E_RATE_LIMITS,
            "HARMONY_FAILED_CHECKS": E2E_FAILED_CHECKS,
            **extra_env,
        }
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HARMONY_CLOCK_START", CLOCK_START)  # the fixture loader runs in this process
        prepare_database(settings.database_url, settings.fixture_file)
    model, _ = ensure_model(settings.models_dir)
    with ExitStack() as started:
        with pytest.MonkeyPatch.context() as env:
            # Rasa's libraries (Sanic's access log) log at INFO too: the logs tests see all that INFO shows.
            env.setenv("LOG_LEVEL_LIBRARIES", "INFO")
            started.enter_context(running_stack(settings, model, var_dir / "logs"))
        yield settings


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The whole product on its defaults: SQLite app database."""
    yield from _running(tmp_path_factory, {})


@pytest.fixture(scope="session")
def postgres_stack(tmp_path_factory: pytest.TempPathFactory, postgres_admin_url: str) -> Iterator[Settings]:
    """The same stack with the app database on the throwaway PostgreSQL server."""
    for database_url in fresh_postgres_database(postgres_admin_url):
        yield from _running(tmp_path_factory, {"HARMONY_DATABASE_URL": database_url})


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium per test module that asks for it, closed with the module:
    Playwright's sync API holds an event loop while it runs."""
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def customer(browser: Browser) -> Iterator[Page]:
    """A customer's own browser context (storage, cookies), watched for dialogs."""
    context = browser.new_context()
    yield watched_page(context)
    context.close()
