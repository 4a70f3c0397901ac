"""`rasa data validate` on the project: domain, training data and config agree."""

import subprocess

from harmony.launcher.environments import rasa_process_env, rasa_python, require
from harmony.settings import PROJECT_ROOT


def test_rasa_data_validate_passes() -> None:
    result = subprocess.run(
        [
            str(require(rasa_python())),
            "-m",
            "rasa",
            "data",
            "validate",
            "--domain",
            "bot/domain",
            "--data",
            "bot/data",
            "--config",
            "config.yml",
        ],
        cwd=PROJECT_ROOT,
        env=rasa_process_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Found inconsistencies" not in output
    assert "Found conflicts" not in output
