"""The documented fixture command, run as a user would (a real process)."""

import subprocess
import sys
from pathlib import Path

from harmony.settings import PROJECT_ROOT
from tests.harmony_command import run_harmony


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run_harmony(*args, env={"HARMONY_VAR_DIR": str(tmp_path)}, timeout=60)


def test_load_fixtures_into_the_default_database(tmp_path: Path) -> None:
    result = _run(["load-fixtures"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Loaded 14 orders and 7 customers" in result.stdout
    assert (tmp_path / "harmony.db").exists()


def test_a_bad_file_is_refused_with_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("customers:\n  - {email: a@b.fr, name: A, language: xx}\norders: []\n")
    result = _run(["load-fixtures", str(bad)], tmp_path)
    assert result.returncode == 2
    assert "line 2: customers[0].language: 'xx' is not one of fr, en, ro" in result.stderr
    assert "orders: must be a non-empty list" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_configuration_is_explained(tmp_path: Path) -> None:
    env_result = subprocess.run(
        [sys.executable, "-m", "harmony", "load-fixtures"],
        cwd=PROJECT_ROOT,
        env={
            "HARMONY_VAR_DIR": str(tmp_path),
            "HARMONY_DEFAULT_SHOP": "mars",
            "PYTHONPATH": str(PROJECT_ROOT),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert env_result.returncode == 2
    assert "HARMONY_DEFAULT_SHOP must be one of fr, ro, intl" in env_result.stderr
