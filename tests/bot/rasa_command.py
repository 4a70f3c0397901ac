"""Run a `rasa` command of the Rasa environment in the project, as a user would."""

import subprocess

from harmony.launcher.environments import rasa_process_env, rasa_python, require
from harmony.settings import PROJECT_ROOT


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(require(rasa_python())), "-m", "rasa", *args],
        cwd=PROJECT_ROOT,
        env=rasa_process_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
