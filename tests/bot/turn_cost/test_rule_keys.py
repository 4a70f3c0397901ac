"""The rule policy's shorter look-ups keep the rules Rasa's keep, and hide the rule turns Rasa's hide."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from rasa.core.policies.rule_policy import RULES_NOT_IN_STORIES, RulePolicy
from rasa.shared.core.constants import (
    ACTIVE_LOOP,
    PREVIOUS_ACTION,
    RULE_SNIPPET_ACTION_NAME,
    SHOULD_NOT_BE_SET,
    SLOTS,
    USER,
)

from bot.rule_keys import feature_key, possible_keys

ORIGINAL = RulePolicy._get_possible_keys
INTENTS = ["greet", "track_order", "affirm", "deny", "faq"]
ACTIONS = ["action_listen", "utter_greet", "order_lookup_form", "action_answer_order_question"]


def random_state(rng: random.Random, in_rule: bool) -> dict[str, Any]:
    """A dialogue state (sub-states of the user, the previous action, slots, the active loop), or a
    conversation's start (no previous action); in a rule, sub-states may be left out or required unset."""
    if rng.random() < 0.1:
        return {}
    state: dict[str, Any] = {PREVIOUS_ACTION: {"action_name": rng.choice(ACTIONS)}}
    if not in_rule or rng.random() < 0.7:
        state[USER] = {"intent": rng.choice(INTENTS)}
    if rng.random() < 0.4:
        state[SLOTS] = {"cancellation_pending": rng.choice([(1.0,), SHOULD_NOT_BE_SET] if in_rule else [(1.0,)])}
    if rng.random() < 0.3:
        state[ACTIVE_LOOP] = {
            "name": rng.choice(["order_lookup_form", SHOULD_NOT_BE_SET] if in_rule else ["order_lookup_form"])
        }
    return state


def policy_with_rules(rng: random.Random, count: int) -> tuple[RulePolicy, dict[str, str]]:
    policy = RulePolicy.__new__(RulePolicy)  # the walk reads no configuration
    rules = {
        json.dumps([random_state(rng, in_rule=True) for _ in range(rng.randint(1, 5))], sort_keys=True): "utter_greet"
        for _ in range(count)
    }
    return policy, rules


@pytest.mark.parametrize("seed", range(20))
def test_the_kept_rules_are_rasas(seed: int) -> None:
    rng = random.Random(seed)
    policy, rules = policy_with_rules(rng, count=rng.choice([1, 5, 40, 200]))
    for length in (0, 1, 2, 3, 6, 30, 200):
        states = [random_state(rng, in_rule=False) for _ in range(length)]

        assert possible_keys(policy, rules, states) == ORIGINAL(policy, rules, states), length


def test_a_long_conversation_is_not_walked_past_the_longest_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    policy, rules = policy_with_rules(rng, count=30)
    states = [random_state(rng, in_rule=False) for _ in range(500)]
    looked_at: set[int] = set()
    applicable = RulePolicy._is_rule_applicable

    def counting(self: RulePolicy, rule_key: str, turn_index: int, state: Any) -> bool:
        looked_at.add(turn_index)
        return applicable(self, rule_key, turn_index, state)

    monkeypatch.setattr(RulePolicy, "_is_rule_applicable", counting)
    kept = possible_keys(policy, rules, states)

    assert max(looked_at) < 5  # rules have at most 5 states
    assert kept == ORIGINAL(policy, rules, states)


ORIGINAL_KEY = RulePolicy._create_feature_key
SNIPPET = {PREVIOUS_ACTION: {"action_name": RULE_SNIPPET_ACTION_NAME}}


@pytest.mark.parametrize("seed", range(10))
def test_hide_rule_turn_is_decided_as_by_rasa(seed: int) -> None:
    """Whether a conversation's states are among the trained `rules_not_in_stories` (which sets
    `hide_rule_turn`): the same answer as with Rasa's key, for conversations of any length, with
    and without rule snippets; keys that could be stored are Rasa's exactly."""
    rng = random.Random(seed)
    policy, _ = policy_with_rules(rng, count=3)
    stored_states = [[random_state(rng, in_rule=False) for _ in range(rng.randint(1, 3))] for _ in range(30)]
    stored = [json.dumps(states, sort_keys=True) for states in stored_states] + ["handling active loops and forms"]
    policy.lookup = {RULES_NOT_IN_STORIES: stored}

    conversations = [*stored_states, []]
    for length in (1, 2, 3, 4, 10, 300):
        conversations.append([random_state(rng, in_rule=False) for _ in range(length)])
        conversations.append([*conversations[-1][: length // 2], SNIPPET, *conversations[-1][length // 2 :]])
        conversations.append([*conversations[-2], SNIPPET])
    for states in conversations:
        rasas, ours = ORIGINAL_KEY(policy, states), feature_key(policy, states)
        assert (ours in stored) == (rasas in stored)
        if rasas is None or len(json.loads(rasas)) <= 3:
            assert ours == rasas
    assert any(feature_key(policy, states) in stored for states in stored_states)


def test_a_policy_without_stored_keys_builds_no_key_of_its_states() -> None:
    policy = RulePolicy.__new__(RulePolicy)
    policy.lookup = {}
    states = [random_state(random.Random(1), in_rule=False) for _ in range(50)]

    assert feature_key(policy, states) == "no rule: 50 states"
    assert ORIGINAL_KEY(policy, states) not in [feature_key(policy, states)]
