"""A customer on the French shop page and an agent in the console, in real headless chromium.

The whole product runs (gateway, Rasa server, action server); the widget is the stock
rasa-webchat 1.0.1 served by the gateway.
"""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from harmony.gateway.agent_desk import ANOTHER_AGENT
from harmony.kb.faq import load_faq
from harmony.kb.handoff import handoff_text
from harmony.settings import PROJECT_ROOT, Settings
from tests.e2e.gateway_client import Agent, create_agent
from tests.e2e.widget_page import (
    TIMEOUT_MS,
    expect_bot,
    open_widget,
    page_url,
    send,
    watched_page,
)

pytestmark = pytest.mark.e2e
INJECTION = "<img src=x onerror=alert(1)>"


@pytest.fixture
def agent(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield watched_page(context)
    context.close()


def test_customer_and_agent_in_the_browser(stack: Settings, customer: Page, agent: Page) -> None:
    create_agent(stack, "camille", "Camille", "a long enough password")
    shop_page = page_url(stack, "/shop/fr")
    console_page = page_url(stack, "/console")
    faq = load_faq()

    customer.goto(shop_page)
    open_widget(customer)
    send(customer, "c'est quoi les frais de livraison ?")
    expect_bot(customer, faq["shipping_cost"].parts("fr", "fr")[0][:60])

    send(customer, "je voudrais parler à un conseiller")
    # the stack's clock is inside the fr agents' hours; the agent has not opened the console yet
    expect(customer.locator(".rw-response").last).to_have_text(
        handoff_text("no_agent_online", "fr"), timeout=TIMEOUT_MS
    )

    agent.goto(console_page)
    agent.fill("#username", "camille")
    agent.fill("#password", "a long enough password")
    agent.click("#login button[type=submit]")
    # this customer's conversation, whatever else waits in the queue
    conversation_id = customer.evaluate("() => JSON.parse(localStorage.getItem('chat_session')).session_id")
    waiting = agent.locator(f'#queue li[data-id="{conversation_id}"]')
    expect(waiting).to_be_visible(timeout=TIMEOUT_MS)
    expect(waiting).to_contain_text("FR · fr")
    expect(waiting).to_contain_text("customer_request")
    waiting.click()
    expect(agent.locator("#summary")).to_contain_text("Language: fr", timeout=TIMEOUT_MS)
    expect(agent.locator("#summary")).to_contain_text("Verification: not verified")
    expect(agent.locator("#transcript")).to_contain_text("c'est quoi les frais de livraison ?")

    expect_bot(customer, handoff_text("agent_joined", "fr", agent="Camille"))
    agent.fill("#reply", "Bonjour, ici Camille. Je regarde votre demande.")
    agent.click("#composer button[type=submit]")
    expect_bot(customer, "Camille: Bonjour, ici Camille.")

    send(customer, INJECTION)
    expect(customer.locator(".rw-client").filter(has_text=INJECTION)).to_be_visible(timeout=TIMEOUT_MS)
    expect(agent.locator("#transcript")).to_contain_text(INJECTION, timeout=TIMEOUT_MS)
    assert customer.locator("img[src='x']").count() == 0
    assert agent.locator("img[src='x']").count() == 0

    agent.click("#hand-back")
    expect_bot(customer, handoff_text("handed_back", "fr"))
    send(customer, "quels sont les délais de livraison ?")
    expect_bot(customer, faq["delivery_time"].parts("fr", "fr")[0][:60])

    customer.reload()
    open_widget(customer)
    expect(customer.locator(".rw-response").filter(has_text="Camille: Bonjour")).to_be_visible(timeout=TIMEOUT_MS)
    customer.goto(shop_page + "/delivery")
    open_widget(customer)
    expect(customer.locator(".rw-client").filter(has_text="c'est quoi les frais de livraison ?")).to_be_visible(
        timeout=TIMEOUT_MS
    )

    agent.click("#close")  # a reply after closing is refused, and the agent keeps the text
    expect_bot(customer, handoff_text("closed", "fr"))
    agent.fill("#reply", "Encore une chose…")
    agent.click("#composer button[type=submit]")
    expect(agent.locator("#reply-error")).to_have_text(
        "This conversation is closed: your reply was not sent.", timeout=TIMEOUT_MS
    )
    expect(agent.locator("#reply")).to_have_value("Encore une chose…")


def test_the_console_api_refuses_a_browser_that_is_not_logged_in(stack: Settings, customer: Page) -> None:
    base = stack.gateway_url.replace("localhost", "127.0.0.1")
    response = customer.request.get(base + "/api/agent/queue")
    assert response.status == 401
    customer.goto(base + "/console")
    expect(customer.locator("#login")).to_be_visible(timeout=TIMEOUT_MS)
    expect(customer.locator("#desk")).to_be_hidden()


def _end_sessions(stack: Settings, username: str) -> None:
    """`make end-agent-sessions USER=...` as an operator runs it, from another process."""
    env = {**os.environ, "HARMONY_DATABASE_URL": stack.database_url, "HARMONY_VAR_DIR": str(stack.var_dir)}
    subprocess.run(
        [sys.executable, "-m", "harmony", "end-agent-sessions", username],
        check=True,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )


def test_the_console_shows_refusals_and_ends_with_its_session(stack: Settings, customer: Page, agent: Page) -> None:
    create_agent(stack, "lucie", "Lucie", "a long enough password")
    create_agent(stack, "hugo", "Hugo", "a long enough password")
    customer.goto(page_url(stack, "/shop/fr"))
    open_widget(customer)
    send(customer, "je voudrais parler à un conseiller")
    conversation_id = customer.evaluate("() => JSON.parse(localStorage.getItem('chat_session')).session_id")

    agent.goto(page_url(stack, "/console"))
    agent.fill("#username", "lucie")
    agent.fill("#password", "a long enough password")
    agent.click("#login button[type=submit]")
    waiting = agent.locator(f'#queue li[data-id="{conversation_id}"]')
    expect(waiting).to_be_visible(timeout=TIMEOUT_MS)

    hugo = Agent(stack.gateway_url)  # another agent takes it first
    hugo.login("hugo", "a long enough password")
    assert hugo.call("POST", f"/api/agent/conversations/{conversation_id}/take", {})[0] == 200
    expect(waiting).to_be_hidden(timeout=TIMEOUT_MS)  # the live queue drops it
    agent.evaluate("(id) => openConversation(id, true)", conversation_id)  # as a click on a stale entry
    expect(agent.locator("#desk-error")).to_have_text(ANOTHER_AGENT, timeout=TIMEOUT_MS)
    expect(agent.locator("#conversation")).to_be_hidden()

    _end_sessions(stack, "lucie")  # e.g. a lost laptop: her open console closes by itself
    expect(agent.locator("#login")).to_be_visible(timeout=TIMEOUT_MS)
    expect(agent.locator("#login-error")).to_have_text("Your session has ended: log in again.")

    agent.fill("#username", "lucie")
    agent.fill("#password", "a long enough password")
    agent.click("#login button[type=submit]")
    expect(agent.locator("#desk")).to_be_visible(timeout=TIMEOUT_MS)
    agent.click("#logout")
    expect(agent.locator("#login-error")).to_have_text("You are logged out.", timeout=TIMEOUT_MS)
    assert agent.request.get(page_url(stack, "/api/agent/queue")).status == 401
    assert hugo.call("POST", f"/api/agent/conversations/{conversation_id}/close", {})[0] == 200
