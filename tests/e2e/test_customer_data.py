"""A customer's data on the real stack: a demo customer verifies an order in the widget, then the
operator's commands (real processes) export it and erase it; nothing of theirs reaches the logs."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, create_engine, func, select

from harmony.db.engine import make_engine, session_factory
from harmony.db.models import Customer, Order, VerifiedConversation
from harmony.gateway.models import ChatMessage, Conversation
from harmony.kb.order_texts import message
from harmony.settings import Settings
from tests.e2e.gateway_client import Widget
from tests.harmony_command import run_harmony

pytestmark = pytest.mark.e2e
STACKS = pytest.mark.parametrize("stack_name", ["stack", "postgres_stack"], ids=["sqlite", "postgresql"])
EMAIL, NUMBER = "mihai.ionescu@example.ro", "HM-200204"  # demo order: shipped yesterday by Sameday
COUNTS = re.compile(
    r"Erased: (\d+) conversation\(s\), (\d+) message\(s\), (\d+) hand-off summary\(ies\), "
    r"(\d+) tracker event\(s\), (\d+) verified-order link\(s\), (\d+) verification record\(s\)\."
)


def verify_in_the_widget(stack: Settings) -> str:
    """The customer asks where the order is on the ro shop's page, in English; returns the conversation id."""

    async def scenario() -> str:
        widget = Widget(stack.gateway_url, "ro", "en")
        session_id = await widget.open()
        await widget.say("where is my order?")
        assert await widget.next_text() == message("ask_number_and_email", "en")
        await widget.say(NUMBER)
        assert await widget.next_text() == message("ask_email", "en", number=NUMBER)
        await widget.say(EMAIL)
        texts = [await widget.next_text(), await widget.next_text()]
        assert "m***@example.ro" in texts[0] and "Sameday" in texts[1], texts
        await widget.close()
        return session_id

    return asyncio.run(scenario())


def command(stack: Settings, *args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m harmony ...` as the operator runs it, on the stack's databases."""
    env = {
        "HARMONY_VAR_DIR": str(stack.var_dir),
        "HARMONY_DATABASE_URL": stack.database_url,
        "HARMONY_TRACKER_STORE_URL": stack.tracker_store_url,
    }
    return run_harmony(*args, env=env, answer=answer)


def tracker_events(stack: Settings, sender_id: str) -> int:
    engine = create_engine(stack.tracker_store_url)
    try:
        with engine.connect() as connection:
            events = Table("events", MetaData(), autoload_with=connection)
            query = select(func.count()).select_from(events).where(events.c.sender_id == sender_id)
            return int(connection.scalar(query) or 0)
    finally:
        engine.dispose()


def app_state(stack: Settings, conversation_id: str) -> dict[str, Any]:
    engine = make_engine(stack.database_url)
    try:
        with session_factory(engine)() as session:
            order = session.scalars(select(Order).where(Order.number == NUMBER)).one()
            return {
                "conversation": session.get(Conversation, conversation_id) is not None,
                "messages": len(
                    session.scalars(select(ChatMessage).where(ChatMessage.conversation_id == conversation_id)).all()
                ),
                "linked": session.scalars(
                    select(VerifiedConversation).where(VerifiedConversation.conversation_id == conversation_id)
                ).one_or_none()
                is not None,
                "order": (order.status, len(order.items)),
                "customer": session.scalars(select(Customer).where(Customer.email == EMAIL)).one().name,
            }
    finally:
        engine.dispose()


@STACKS
def test_a_customers_conversation_is_exported_then_erased(request: pytest.FixtureRequest, stack_name: str) -> None:
    stack: Settings = request.getfixturevalue(stack_name)
    conversation_id = verify_in_the_widget(stack)
    before = app_state(stack, conversation_id)
    assert before["conversation"] and before["linked"] and before["messages"] >= 6
    assert tracker_events(stack, conversation_id) > 0

    exported = command(stack, "export-customer", EMAIL.upper())
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert document["customer"]["name"] == "Mihai Ionescu"
    assert NUMBER in [order["number"] for order in document["orders"]]
    conversation = next(c for c in document["conversations"] if c["id"] == conversation_id)
    assert conversation["verified_at"] is not None
    assert ("customer", EMAIL) in [(m["author"], m["text"]) for m in conversation["messages"]]
    assert any(m["author"] == "bot" and "Sameday" in m["text"] for m in conversation["messages"])
    user_texts = [e["data"].get("text") for e in conversation["tracker_events"] if e["type_name"] == "user"]
    assert user_texts[-2:] == [NUMBER, EMAIL]

    refused = command(stack, "erase-customer", EMAIL, answer="no\n")
    assert refused.returncode == 1 and "Nothing erased." in refused.stdout
    assert tracker_events(stack, conversation_id) > 0 and app_state(stack, conversation_id) == before

    erased = command(stack, "erase-customer", EMAIL, answer="yes\n")
    assert erased.returncode == 0, erased.stderr
    counts = COUNTS.search(erased.stdout)
    assert counts is not None, erased.stdout
    conversations, messages, _, events, links, _ = (int(n) for n in counts.groups())
    assert conversations == len(document["conversations"]) and links >= 1
    assert messages >= before["messages"] and events >= len(conversation["tracker_events"])
    assert "Kept: the customer record, 2 order(s) with their items" in erased.stdout

    assert tracker_events(stack, conversation_id) == 0
    after = app_state(stack, conversation_id)
    assert (after["conversation"], after["messages"], after["linked"]) == (False, 0, False)
    assert (after["order"], after["customer"]) == (before["order"], "Mihai Ionescu")  # the shop keeps its records

    again = command(stack, "erase-customer", EMAIL, "--yes")
    assert again.returncode == 0 and again.stdout.startswith("Nothing to erase: 0 conversation(s)"), again.stdout
    assert json.loads(command(stack, "export-customer", EMAIL).stdout)["conversations"] == []


@STACKS
def test_the_email_order_number_and_api_token_never_reach_the_logs(
    request: pytest.FixtureRequest, stack_name: str
) -> None:
    """The services log at INFO, Rasa's libraries (Sanic's access log) included (tests/e2e/conftest.py)."""
    stack: Settings = request.getfixturevalue(stack_name)
    wrong = "someone.else@example.ro"

    async def a_wrong_try() -> None:
        widget = Widget(stack.gateway_url, "ro", "en")
        await widget.open()
        for said in ("where is my order?", NUMBER, wrong):
            await widget.say(said)
            reply = await widget.next_text()
        assert reply.startswith("I can't find an order with this number and e-mail address."), reply
        await widget.close()

    asyncio.run(a_wrong_try())
    verify_in_the_widget(stack)
    logs = {
        path.name: path.read_text(encoding="utf-8", errors="replace") for path in (stack.var_dir / "logs").glob("*.log")
    }
    assert set(logs) == {"action-server.log", "rasa-server.log", "gateway.log"}
    assert "sanic.access" in logs["rasa-server.log"]  # the access log is on: what it prints is checked
    for name, text in logs.items():
        for secret in (EMAIL, wrong, NUMBER, stack.rasa_token()):
            assert secret.lower() not in text.lower(), f"{secret!r} is in {name}"
