"""The fault test's load (tests/production/conversation_load.py) on the default profile, without faults:
every message stored and answered once, every reply received once, every order still known at the end."""

import asyncio

import pytest

from harmony.settings import Settings
from tests.production.conversation_load import count, customers_for
from tests.stored_transcript import stored_transcript

pytestmark = pytest.mark.e2e


def test_six_concurrent_conversations_lose_nothing_and_keep_their_orders(stack: Settings) -> None:
    customers = customers_for(stack.gateway_url, 6)

    async def scenario() -> None:
        await asyncio.gather(*(c.run() for c in customers))

    asyncio.run(scenario())
    transcripts = {c.session_id or "": stored_transcript(stack.database_url, c.session_id or "") for c in customers}
    counts = count(customers, transcripts)
    print(counts.line())
    assert counts.problems == []
    assert (counts.sent, counts.stored, counts.answered, counts.lost, counts.duplicated) == (36, 36, 36, 0, 0)
