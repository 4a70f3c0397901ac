"""Where the knowledge base lives: `kb/` at the project's root (data, edited without Python)."""

from __future__ import annotations

from pathlib import Path

KB_DIR = Path(__file__).resolve().parent.parent.parent / "kb"
