"""The model is retrained exactly when its inputs change."""

import shutil
from pathlib import Path

from harmony.launcher.training import fingerprint, model_path, training_files
from harmony.settings import PROJECT_ROOT


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("config.yml", "bot/domain", "bot/data", "bot/components"):
        source = PROJECT_ROOT / name
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    (root / "bot" / "actions").mkdir()
    (root / "bot" / "actions" / "language.py").write_text("# actions do not need a new model\n")
    return root


def test_inputs_cover_data_domain_config_and_components(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    names = {str(p.relative_to(root)) for p in training_files(root)}
    assert {
        "config.yml",
        "bot/domain/core.yml",
        "bot/data/nlu/fr/conversation.yml",
        "bot/data/rules.yml",
        "bot/components/language_detector.py",
    } <= names
    assert "bot/actions/language.py" not in names


def test_fingerprint_changes_with_training_data_and_not_with_actions(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    before = fingerprint(root)
    (root / "bot" / "actions" / "language.py").write_text("# changed\n")
    assert fingerprint(root) == before
    with (root / "bot" / "data" / "nlu" / "fr" / "conversation.yml").open("a") as nlu:
        nlu.write("\n")
    changed = fingerprint(root)
    assert changed != before
    (root / "config.yml").write_text((root / "config.yml").read_text() + "\n# tweak\n")
    assert fingerprint(root) != changed


def test_model_name_follows_the_fingerprint(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    assert model_path(tmp_path / "models", root).name == f"harmony-{fingerprint(root)}.tar.gz"
