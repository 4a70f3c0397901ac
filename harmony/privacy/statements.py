"""Small helpers shared by export, erasure and retention: id batches and counted deletes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

from sqlalchemy import CursorResult, Delete
from sqlalchemy.orm import Session

BATCH = 500  # ids per IN (...): far below every database's limit on bound parameters


def batches(ids: Iterable[str]) -> Iterator[list[str]]:
    """`ids` without duplicates, in a stable order, in lists of at most `BATCH`."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def deleted_rows(session: Session, statement: Delete) -> int:
    """Run a bulk DELETE (objects already loaded in `session` are left alone); how many rows went."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount
