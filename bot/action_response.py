"""The action server's answers validated against a schema checked once, not once per action call.

Rasa checks each custom action's response with `jsonschema.validate`, which first checks the
schema itself against the JSON Schema meta-schema: in a profile of our Rasa server that was a
third of all its time (two or three action calls a turn). The schema never changes, so the
validator is built once; the response is checked exactly as `jsonschema.validate` does, and an
invalid one fails with the same error and message.

Installed by `bot.rasa_main` for `rasa run` only.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError, exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's `RemoteAction._validate_action_result`, with the validator built once."""
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
    raise error


def install() -> None:
    """Use the validator built once in this process (the Rasa server)."""
    RemoteAction._validate_action_result = validate_action_result
