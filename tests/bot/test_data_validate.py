"""`rasa data validate` on the project: domain, training data and config agree."""

from tests.bot.rasa_command import run_rasa


def test_rasa_data_validate_passes() -> None:
    result = run_rasa("data", "validate", "--domain", "bot/domain", "--data", "bot/data", "--config", "config.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Found inconsistencies" not in output
    assert "Found conflicts" not in output
