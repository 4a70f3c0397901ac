"""The rule policy's debug log of the dialogue states, formatted only when debug logging is on.

`RulePolicy._find_action_from_rules` formats every state of the conversation as text, and
deep-copies the text, for a debug log line, before each prediction (several a turn) and whether
or not debug logging is on: a cost that grows with the conversation's length (5 % of the Rasa
server's time at turns 150 to 300). With debug logging off for Rasa's policies, the states are not
formatted; with it on (`rasa run --debug`), the log line is exactly Rasa's.

Installed by `bot.rasa_main` for `rasa run` only.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.policies.policy import Policy

POLICIES_LOGGER = "rasa.core.policies.rule_policy"
NOT_FORMATTED = "(not formatted: debug logging is off)"
_original = Policy.format_tracker_states


def format_tracker_states(states: list[dict[str, Any]]) -> str:
    if not logging.getLogger(POLICIES_LOGGER).isEnabledFor(logging.DEBUG):
        return NOT_FORMATTED
    return str(_original(states))


def install() -> None:
    Policy.format_tracker_states = staticmethod(format_tracker_states)
