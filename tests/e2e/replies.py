"""Which response of the domain, in which language, a bot message is."""

from functools import lru_cache
from typing import Any

import yaml

from harmony.settings import PROJECT_ROOT


@lru_cache(maxsize=1)
def _variants() -> dict[str, tuple[str, str]]:
    responses: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((PROJECT_ROOT / "bot" / "domain").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    found: dict[str, tuple[str, str]] = {}
    for name, variants in responses.items():
        for variant in variants:
            conditions = variant.get("condition") or []
            language = next((c["value"] for c in conditions if c["name"] == "language"), None)
            if language:
                found[variant["text"]] = (name, language)
    return found


def identify(text: str) -> tuple[str, str]:
    """(response name, language) of a bot message; fails on text the domain does not have."""
    if text not in _variants():
        raise AssertionError(f"not a response of the domain: {text!r}")
    return _variants()[text]
