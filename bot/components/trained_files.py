"""Reading a component's trained files back from Rasa's model storage."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

T = TypeVar("T")


def read_trained(
    model_storage: ModelStorage,
    resource: Resource,
    read: Callable[[Path], T],
    logger: logging.Logger,
    component: str,
    without: str,
) -> T | None:
    """What `read` takes from the component's directory; None, with a warning saying what
    `component` does `without` them, when the model has no trained files for it."""
    try:
        with model_storage.read_from(resource) as directory:
            return read(directory)
    except (ValueError, FileNotFoundError):
        logger.warning("No trained %s found; %s.", component, without)
        return None
