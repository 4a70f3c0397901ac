"""Conversation scripts (`tests/conversations/*.yml`) played over the REST channel.

Each turn sends the customer's own words through the real NLU, dialogue and actions, then
checks what a customer would notice: the replies (exact FAQ answers of the conversation's
shop and language, domain responses, facts in the text, buttons), the shop and language the
turn reports, the tracker's slots (e.g. the verified order) and a hand-off request.
A wrong intent, a wrong shop or a wrong fact fails the turn, with the whole exchange shown.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harmony.bot_protocol import split_context_report
from harmony.kb.faq import load_faq
from harmony.kb.markets import PageContext
from harmony.rasa_rest import send_message
from harmony.settings import PROJECT_ROOT, Settings
from tests.e2e.replies import identify

CONVERSATIONS_DIR = PROJECT_ROOT / "tests" / "conversations"
TURN_CHECKS = {"user", "faq", "responses", "says", "not_says", "buttons", "context", "slots", "handoff"}


@dataclass(frozen=True)
class Script:
    name: str
    page: dict[str, str]
    turns: list[dict[str, Any]]
    source: str

    def __str__(self) -> str:
        return self.name


def load_scripts(directory: Path = CONVERSATIONS_DIR) -> list[Script]:
    scripts: list[Script] = []
    for path in sorted(directory.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            unknown = {key for turn in raw["turns"] for key in turn} - TURN_CHECKS
            assert not unknown, f"{path.name}: {raw['name']}: unknown checks {sorted(unknown)}"
            scripts.append(Script(raw["name"], raw.get("page") or {}, raw["turns"], path.name))
    names = [s.name for s in scripts]
    assert len(names) == len(set(names)), "conversation names must be unique"
    return scripts


@dataclass
class Exchange:
    """The conversation so far, for the failure message."""

    lines: list[str] = field(default_factory=list)

    def add(self, who: str, text: str) -> None:
        self.lines.append(f"{who}: {text}")

    def __str__(self) -> str:
        return "\n".join(self.lines)


def play(stack: Settings, script: Script) -> None:
    sender = f"conv-{uuid.uuid4().hex}"
    exchange = Exchange()
    for number, turn in enumerate(script.turns, start=1):
        exchange.add("customer", str(turn["user"]))
        replies, context = split_context_report(send_message(stack.rasa_url, sender, turn["user"], script.page))
        for reply in replies:
            exchange.add("bot", reply.get("text") or json.dumps(reply.get("custom"), ensure_ascii=False))
        where = f"{script.source}: {script.name}, turn {number}\n{exchange}"
        assert context is not None, f"no shop/language report\n{where}"
        _check_turn(stack, sender, turn, replies, context, where)


def _check_turn(
    stack: Settings, sender: str, turn: dict[str, Any], replies: list[dict[str, Any]], context: PageContext, where: str
) -> None:
    texts = [str(r["text"]) for r in replies if r.get("text")]
    said = "\n".join(texts)
    if "context" in turn:
        assert context == PageContext(**turn["context"]), f"reported {context}\n{where}"
    if "faq" in turn:
        expected = list(load_faq()[turn["faq"]].parts(context.shop, context.language))
        assert texts == expected, f"expected the {turn['faq']} answer of {context}\n{where}"
    if "responses" in turn:
        expected_responses = [(name, context.language) for name in turn["responses"]]
        assert [identify(text) for text in texts] == expected_responses, where
    for fact in turn.get("says", []):
        assert fact in said, f"{fact!r} not said\n{where}"
    for fact in turn.get("not_says", []):
        assert fact not in said, f"{fact!r} said\n{where}"
    if "buttons" in turn:
        shown = [b["title"] for r in replies for b in r.get("buttons") or []]
        assert shown == turn["buttons"], f"buttons {shown}\n{where}"
    if "handoff" in turn:
        requests = [r["custom"]["handoff"] for r in replies if isinstance(r.get("custom"), dict)]
        reasons = [str(h.get("reason")) for h in requests if isinstance(h, dict)]
        assert reasons == ([turn["handoff"]] if turn["handoff"] else []), f"hand-off {reasons}\n{where}"
    if "slots" in turn:
        slots = tracker_slots(stack, sender)
        wrong = {name: slots.get(name) for name, value in turn["slots"].items() if slots.get(name) != value}
        assert not wrong, f"slots {wrong}, expected {turn['slots']}\n{where}"


def tracker_slots(stack: Settings, sender: str) -> dict[str, Any]:
    """The conversation's slots, from Rasa's HTTP API (token-protected)."""
    url = f"{stack.rasa_url}/conversations/{sender}/tracker?include_events=NONE&token={stack.rasa_token()}"
    with urllib.request.urlopen(url, timeout=30) as response:
        slots: dict[str, Any] = json.loads(response.read())["slots"]
        return slots
