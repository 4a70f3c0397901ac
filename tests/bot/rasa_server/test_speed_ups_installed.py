"""`rasa run` through `bot.rasa_main` serves with every turn-cost module installed (and training keeps Rasa's code).

Each module's own tests prove it gives Rasa's results; this proves the server uses them. Checked in
a separate interpreter, as the server process starts: the replacements are process-wide.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]

CHECK = """
import json
from rasa.core.actions.action import RemoteAction
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

def installed():
    from bot import action_connection, action_response, action_window, prediction_states, rule_keys
    from bot import state_log_formatting, tracker_replay
    return {
        "states": Domain.states_for_tracker_history is prediction_states.states_for_tracker_history,
        "featurizer": TrackerFeaturizer._remove_user_text_if_intent is prediction_states.remove_user_text_if_intent,
        "rule walk": RulePolicy._get_possible_keys is rule_keys.possible_keys,
        "rule key": RulePolicy._create_feature_key is rule_keys.feature_key,
        "action window": RemoteAction._action_call_format is action_window.action_call_format,
        "action response": RemoteAction._validate_action_result is action_response.validate_action_result,
        "kept connections": EndpointConfig.session is action_connection.kept_session,
        "tracker copies": DialogueStateTracker.copy is tracker_replay.copy,
        "state log": Policy.format_tracker_states is state_log_formatting.format_tracker_states,
    }

before = installed()
from bot.rasa_main import speed_up_serving
speed_up_serving()
print(json.dumps({"before": before, "after": installed()}))
"""


def test_the_server_process_installs_every_turn_cost_module_and_nothing_is_installed_before() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=PROJECT, capture_output=True, text=True, timeout=120, check=True
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert not any(found["before"].values()), found["before"]  # importing alone changes nothing (training)
    assert all(found["after"].values()), found["after"]
