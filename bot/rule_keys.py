"""The rule policy's look-ups go back only as far as a rule reaches, not to the conversation's start.

Two of `RulePolicy`'s steps before each prediction grew with the conversation:

1. `RulePolicy._get_possible_keys` walks back through every state of the conversation and, at each,
keeps the rules still applicable there. A rule of n states is applicable at any state n or more
steps back (`_is_rule_applicable` says so without looking), so once the walk is past the longest
rule still kept, or no rule is kept, nothing can change: the rest of the walk, which grows with
the conversation, was a tenth of a prediction at turn 300. This walk stops there; the rules it
keeps are the ones Rasa's keeps.

2. When no rule applies, `RulePolicy._create_feature_key` writes all the states since the last
rule snippet (in a conversation: all of them) as JSON, built by inserting each state at the
front of a list, only to ask whether that key is among the trained `rules_not_in_stories`,
which decides `hide_rule_turn`. Those keys hold a few states each (1 to 3 in our model); a key
of more states than any of them cannot be among them, and is not built: a description that is
not a rule key stands in for it (the source is not used otherwise: `predict_action_probabilities`
drops it). A key that could be among them is built as Rasa builds it.

Tests: tests/bot/turn_cost/test_rule_keys.py.

Installed by `bot.rasa_main` for `rasa run` only.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from rasa.core.policies.rule_policy import RULES_NOT_IN_STORIES

_rule_lengths: dict[str, int] = {}  # rule key -> number of states (rule keys are the trained rules: bounded)


def _length(policy: Any, rule_key: str) -> int:
    length = _rule_lengths.get(rule_key)
    if length is None:
        length = len(policy._rule_key_to_state(rule_key))
        _rule_lengths[rule_key] = length
    return length


def possible_keys(self: Any, lookup: dict[str, str], states: list[dict[str, Any]]) -> set[str]:
    """Rasa's `RulePolicy._get_possible_keys`, walking back only as far as a kept rule reaches."""
    possible = set(lookup.keys())
    for turn_index, state in enumerate(reversed(states)):
        if not possible or turn_index >= max(_length(self, key) for key in possible):
            break
        possible = {key for key in possible if self._is_rule_applicable(key, turn_index, state)}
    return possible


# policy -> the most states of a key of its rules_not_in_stories (a policy's lookup is fixed once trained)
_longest_stored: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def _longest_key_not_in_stories(policy: Any) -> int:
    longest = _longest_stored.get(policy)
    if longest is None:
        keys = [key for key in policy.lookup.get(RULES_NOT_IN_STORIES, []) if key.startswith("[")]
        longest = max((len(json.loads(key)) for key in keys), default=0)
        _longest_stored[policy] = longest
    return longest


def feature_key(self: Any, states: list[dict[str, Any]]) -> str | None:
    """Rasa's `RulePolicy._create_feature_key`; for more states than any stored key, a description instead."""
    start = len(states)
    while start > 0 and not self._is_rule_snippet_state(states[start - 1]):
        start -= 1
    new_states = states[start:]
    if not new_states:
        return None
    if len(new_states) > _longest_key_not_in_stories(self):
        return f"no rule: {len(new_states)} states"
    return json.dumps(new_states, sort_keys=True)


def install() -> None:
    """Every rule policy of this process (the Rasa server) uses the shorter look-ups."""
    from rasa.core.policies.rule_policy import RulePolicy

    RulePolicy._get_possible_keys = possible_keys
    RulePolicy._create_feature_key = feature_key
