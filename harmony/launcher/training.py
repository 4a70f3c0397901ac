"""Train the model only when there is none for the current data, domain, config and components."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from harmony.launcher.environments import rasa_process_env, rasa_python, require
from harmony.settings import PROJECT_ROOT

TRAINING_INPUTS = ("config.yml", "bot/domain", "bot/data", "bot/components")  # kb/faq -> bot/domain/faq.yml


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file whose change calls for a new model, in a stable order."""
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in {".yml", ".yaml", ".py"})
    return files


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(models_dir: Path, root: Path = PROJECT_ROOT) -> Path:
    return models_dir / f"harmony-{fingerprint(root)}.tar.gz"


def train_command(models_dir: Path, name: str) -> list[str]:
    return [
        str(require(rasa_python())),
        "-m",
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "bot/domain",
        "--data",
        "bot/data",
        "--out",
        str(models_dir),
        "--fixed-model-name",
        name,
    ]


def ensure_model(models_dir: Path, force: bool = False) -> tuple[Path, bool]:
    """The model for the current inputs, trained if missing. Returns (path, trained now)."""
    from harmony.kb.faq_domain import write_faq_domain

    write_faq_domain()  # the FAQ responses come from kb/: regenerate before fingerprinting
    target = model_path(models_dir)
    if target.exists() and not force:
        return target, False
    models_dir.mkdir(parents=True, exist_ok=True)
    name = target.name.removesuffix(".tar.gz")
    subprocess.run(train_command(models_dir, name), cwd=PROJECT_ROOT, env=rasa_process_env(), check=True)
    if not target.exists():
        raise RuntimeError(f"training finished but {target} was not written")
    return target, True
