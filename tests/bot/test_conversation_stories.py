"""Rasa conversation tests (tests/stories) on the trained model: NLU and dialogue together."""

from pathlib import Path

from harmony.launcher.training import model_path
from harmony.settings import load_settings
from tests.bot.rasa_command import run_rasa


def test_conversation_stories_pass(tmp_path: Path) -> None:
    model = model_path(load_settings().models_dir)
    assert model.exists(), "train first (make test does)"
    result = run_rasa(
        "test",
        "core",
        "--stories",
        "tests/stories",
        "--model",
        str(model),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:] + details
    assert "# None of the test stories failed - all good!" in details or not details.strip(), details
