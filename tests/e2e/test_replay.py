"""A widget that was disconnected gets the replies it missed when it connects again, each once.

(A bot reply made while the widget was away: tests/e2e/test_dependency_failures.py, which can pause Rasa.)"""

import asyncio
import time

import pytest

from harmony.kb.handoff import handoff_text
from harmony.settings import Settings
from tests.e2e.gateway_client import Agent, Widget, create_agent

pytestmark = pytest.mark.e2e
QUIET_SECONDS = 2.0  # how long a widget listens to be sure nothing more comes


async def _texts_within(widget: Widget, seconds: float) -> list[str]:
    """Everything the widget receives in the next `seconds`."""
    texts: list[str] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            texts.append(await asyncio.wait_for(widget.next_text(), left))
        except asyncio.TimeoutError:
            break
    return texts


def test_an_agent_reply_sent_while_the_widget_was_away_comes_when_it_reconnects(stack: Settings) -> None:
    create_agent(stack, "ioana", "Ioana", "correct horse battery staple")

    async def scenario() -> None:
        widget = Widget(stack.gateway_url, "ro", "ro")
        session_id = await widget.open()
        await widget.say("vreau să vorbesc cu un operator")
        assert await widget.next_text() == handoff_text("no_agent_online", "ro")
        agent = Agent(stack.gateway_url)
        agent.login("ioana", "correct horse battery staple")
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/take", {})[0] == 200
        assert await widget.next_text() == handoff_text("agent_joined", "ro", agent="Ioana")
        await widget.close()
        assert (
            agent.call("POST", f"/api/agent/conversations/{session_id}/messages", {"text": "Revin imediat."})[0] == 200
        )
        assert agent.call("POST", f"/api/agent/conversations/{session_id}/hand-back", {})[0] == 200

        back = Widget(stack.gateway_url, "ro", "ro")
        assert await back.open(session_id) == session_id
        assert await _texts_within(back, QUIET_SECONDS) == ["Ioana: Revin imediat.", handoff_text("handed_back", "ro")]
        await back.close()

    asyncio.run(scenario())
