"""The rule policy's states are formatted for its debug log only when debug logging is on."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy

from bot import state_log_formatting

STATES = [{}, {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}}]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Policy, "format_tracker_states", Policy.format_tracker_states)  # undone after
    state_log_formatting.install()
    yield


def test_with_debug_logging_off_the_states_are_not_formatted(installed: None) -> None:
    logger = logging.getLogger(state_log_formatting.POLICIES_LOGGER)
    logger.setLevel(logging.INFO)
    try:
        assert RulePolicy.format_tracker_states(STATES) == state_log_formatting.NOT_FORMATTED
    finally:
        logger.setLevel(logging.NOTSET)


def test_with_debug_logging_on_the_log_line_is_rasas(installed: None) -> None:
    logger = logging.getLogger(state_log_formatting.POLICIES_LOGGER)
    logger.setLevel(logging.DEBUG)
    try:
        formatted = RulePolicy.format_tracker_states(STATES)
    finally:
        logger.setLevel(logging.NOTSET)
    assert formatted == state_log_formatting._original(STATES)
    assert "user intent: greet" in formatted
