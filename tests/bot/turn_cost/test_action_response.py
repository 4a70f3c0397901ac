"""The action server's answers are judged exactly as Rasa's `jsonschema.validate` judges them."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.action_response import validate_action_result

ACTION = RemoteAction("action_anything", None)
SCHEMA = RemoteAction.action_response_format_spec()

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "fr"}], "responses": [{"text": "Bonjour"}]},
    {"events": [{"event": "action", "name": "action_listen"}]},
    {},
]
INVALID: list[Any] = [
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": 3}]},
    {"events": "not a list"},
    {"responses": "not a list"},
]


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_pass(result: dict[str, Any]) -> None:
    jsonschema.validate(result, SCHEMA)  # Rasa's check agrees
    assert validate_action_result(ACTION, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_fail_with_rasas_error(result: Any) -> None:
    with pytest.raises(jsonschema.ValidationError) as rasas:
        RemoteAction._validate_action_result(ACTION, result)
    with pytest.raises(jsonschema.ValidationError) as ours:
        validate_action_result(ACTION, result)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message
