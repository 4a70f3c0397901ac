"""Where the stock chat widget's bundle (npm package rasa-webchat) lives: a local copy, no CDN.

scripts/install_webchat.sh (run by scripts/setup.sh) puts it there, checked against a pinned hash.
"""

from __future__ import annotations

from pathlib import Path

from harmony.settings import PROJECT_ROOT

WEBCHAT_VERSION = "1.0.1"  # keep in step with scripts/install_webchat.sh


class WebAssetMissingError(FileNotFoundError):
    """A vendored web asset has not been installed."""


VENDOR_DIR = PROJECT_ROOT / "vendor"


def webchat_bundle(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Path of the widget's UMD bundle (defines `window.WebChat`); it must exist."""
    path = vendor_dir / f"rasa-webchat-{WEBCHAT_VERSION}" / "webchat.js"
    if not path.is_file():
        raise WebAssetMissingError(
            f"The chat widget's bundle {path} is missing; run scripts/install_webchat.sh "
            "(scripts/setup.sh runs it) to install it."
        )
    return path
