"""An attacker who knows a customer's e-mail guesses order numbers over the widget protocol.

The attack of issue 13: a script opens a new conversation whenever the bot stops checking,
and tries again. It runs against its own stack (its own database), because it locks the
victim's e-mail and the attacker's client for everyone else on that stack.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator

import pytest

from harmony.kb.handoff import handoff_text
from harmony.kb.order_texts import message
from harmony.settings import Settings
from tests.e2e.conftest import _running
from tests.e2e.gateway_client import Widget

pytestmark = pytest.mark.e2e

VICTIM = "lucas.moreau@example.fr"
VICTIM_ORDERS = ("HM-100106", "HM-100107")
REVEALING = ("l***@example.fr", "Colissimo", "6A98765432109", "Merci, j'ai trouvé la commande")
GUESSES = 1000
QUIET = 0.05  # seconds without a further message: the bot's turn is over


# The gateway's per-client limits (new conversations, messages) would stop this script after
# a few dozen tries (tests/harmony/gateway/test_limits.py); lifted here, every guess reaches
# the bot, so the test shows what the verification throttle alone does.
NO_GATEWAY_LIMITS = ",".join(
    f"{name}=100000/1"
    for name in ("messages_per_conversation", "conversations_per_client", "messages_per_client", "handoffs_per_client")
)


@pytest.fixture(scope="module")
def attacked_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    yield from _running(tmp_path_factory, {"HARMONY_RATE_LIMITS": NO_GATEWAY_LIMITS, "HARMONY_FAILED_CHECKS": ""})


def _guesses(seed: int) -> list[str]:
    """1000 numbers, the victim's two among the first few dozen (where a sequential search finds them)."""
    numbers = [f"HM-{n}" for n in range(100000, 101000) if f"HM-{n}" not in VICTIM_ORDERS]
    random.Random(seed).shuffle(numbers)
    numbers = numbers[: GUESSES - len(VICTIM_ORDERS)]
    numbers.insert(6, VICTIM_ORDERS[0])  # right after the first five failures
    numbers.insert(16, VICTIM_ORDERS[1])  # where the attack of the issue found it
    return numbers


async def _turn(widget: Widget, text: str) -> list[str]:
    """Every message the bot or the gateway sends back to `text` (empty if refused in silence)."""
    await widget.say(text)
    try:
        replies = [await asyncio.wait_for(widget.next_text(), 30)]
    except asyncio.TimeoutError:
        return []
    while True:
        try:
            later = await asyncio.wait_for(widget.received.get(), QUIET)
        except asyncio.TimeoutError:
            return replies
        replies.append(str(later.get("text")))


async def _new_conversation(url: str) -> tuple[Widget | None, str]:
    """A new conversation, or None and the gateway's notice when it refuses to open one."""
    widget = Widget(url, "fr", "fr")
    await widget.client.connect(widget.url, headers={"Origin": url}, transports=["websocket"])
    await widget.client.emit("session_request", {"session_id": None})
    confirmed = asyncio.ensure_future(widget.confirmed.get())
    refused = asyncio.ensure_future(widget.received.get())
    done, pending = await asyncio.wait({confirmed, refused}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    for waiting in pending:
        waiting.cancel()
    if confirmed in done:
        widget.session_id = confirmed.result()
        return widget, ""
    await widget.close()
    return None, str(refused.result().get("text")) if refused in done else "(nothing)"


def test_a_thousand_guesses_with_a_known_email_reveal_no_order(attacked_stack: Settings) -> None:
    no_match = message("no_match", "fr", attempt="", limit="").split("(")[0]
    locked = message("verification_locked", "fr")
    too_fast = handoff_text("too_fast", "fr")

    async def attack() -> tuple[Counter[str], list[str]]:
        outcomes: Counter[str] = Counter()
        revealed: list[str] = []
        widget: Widget | None = None
        for number in _guesses(seed=13):
            if widget is None:
                widget, notice = await _new_conversation(attacked_stack.gateway_url)
                if widget is None:
                    outcomes["refused: no new conversation"] += 1
                    revealed += [notice] if any(secret in notice for secret in REVEALING) else []
                    continue
                outcomes["new conversation"] += 1
            replies = await _turn(widget, f"ma commande {number} {VICTIM}")
            revealed += [r for r in replies if any(secret in r for secret in REVEALING)]
            if any(r.startswith(no_match) for r in replies):
                outcomes["checked, no match"] += 1
            elif locked in replies:
                outcomes["refused: checks stopped"] += 1
            elif too_fast in replies:
                outcomes["refused: too fast"] += 1
            else:
                outcomes["other: " + " | ".join(replies)[:80]] += 1
            if locked in replies or too_fast in replies or not replies:
                await widget.close()
                widget = None  # the attack of the issue: a new conversation after each refusal
        if widget is not None:
            await widget.close()
        return outcomes, revealed

    outcomes, revealed = asyncio.run(attack())
    print(dict(outcomes))
    assert revealed == []
    # Five checks of the victim's e-mail, then it is locked for 15 minutes, whatever the conversation.
    assert outcomes["checked, no match"] <= 5, outcomes
    refused = ("refused: checks stopped", "refused: too fast", "refused: no new conversation")
    assert sum(outcomes[kind] for kind in refused) >= GUESSES - 5, outcomes
    assert outcomes["new conversation"] >= GUESSES - 5, outcomes  # a new conversation after each refusal


def test_the_locked_customer_still_reaches_an_agent(attacked_stack: Settings) -> None:
    """Once the e-mail is locked, the real owner's right pair is refused too, but the agent button works."""

    async def owner() -> tuple[list[str], list[str]]:
        attacker = Widget(attacked_stack.gateway_url, "fr", "fr")
        await attacker.open()
        for number in ("HM-100901", "HM-100902", "HM-100903", "HM-100904", "HM-100905"):
            await _turn(attacker, f"ma commande {number} {VICTIM}")  # locks the e-mail if the attack did not
        await attacker.close()
        widget = Widget(attacked_stack.gateway_url, "fr", "fr")
        await widget.open()
        first = await _turn(widget, f"où est ma commande {VICTIM_ORDERS[0]} ? {VICTIM}")
        second = await _turn(widget, "/human_handoff")  # the payload of the button the bot just offered
        await widget.close()
        return first, second

    first, second = asyncio.run(owner())
    assert first == [message("verification_locked", "fr")]
    assert len(second) == 1 and "conseiller" in second[0], second  # queued, or when agents are away
