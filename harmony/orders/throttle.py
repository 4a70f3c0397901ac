"""Failed order checks counted per e-mail, per order number and per client, with a growing lock-out.

The per-conversation limit (five tries, kept in Rasa slots) stops a customer who mistypes;
it does not stop a script that opens a new conversation after each lock. These counters live
in the app database, so a new conversation, a new Rasa session or another instance of any
service resets nothing (DESIGN §7). While any key of an attempt is locked, the order is not
even looked up, and the reply never says which key it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from harmony.db.models import VerificationFailure, VerifiedConversation

# Failures of one key before it is locked: a client (one address, maybe a whole office behind
# one router) gets more room than one e-mail or one order number.
MAX_FAILURES = {"email": 5, "order": 5, "client": 20}
FIRST_LOCKOUT = timedelta(minutes=15)
LOCKOUT_GROWTH = 4  # 15 min, 1 h, 4 h, 16 h, then the maximum
MAX_LOCKOUT = timedelta(hours=24)
FORGET_AFTER = timedelta(days=7)  # a key with no failure for that long starts again from zero


def key_digest(kind: str, value: str) -> str:
    """What the table stores instead of the e-mail, the order number or the client key."""
    return hashlib.sha256(f"{kind}:{value.strip().lower()}".encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """One try at an order: the number and e-mail given, and who gave them (if the gateway said)."""

    number: str
    email: str
    client: str | None = None

    def counted_keys(self) -> Iterator[tuple[str, str]]:
        yield "email", key_digest("email", self.email)
        yield "order", key_digest("order", self.number)
        if self.client:
            yield "client", key_digest("client", self.client)


def lockout_length(lockouts_before: int) -> timedelta:
    """How long the next lock-out lasts after `lockouts_before` earlier ones."""
    return min(FIRST_LOCKOUT * LOCKOUT_GROWTH**lockouts_before, MAX_LOCKOUT)


def locked_until(session: Session, attempt: Attempt, now: datetime) -> datetime | None:
    """The end of the latest lock-out on any key of `attempt`, if one is running at `now`."""
    ends = [
        row.locked_until
        for row in _rows(session, attempt)
        if row is not None and row.locked_until is not None and row.locked_until > now
    ]
    return max(ends, default=None)


def record_failure(
    session: Session, attempt: Attempt, now: datetime, max_failures: Mapping[str, int] = MAX_FAILURES
) -> datetime | None:
    """Count a failed check on every key; returns the end of the lock-out it started, if any.

    `max_failures` replaces some of the defaults (`HARMONY_FAILED_CHECKS`).
    """
    limits = {**MAX_FAILURES, **max_failures}
    lock_end: datetime | None = None
    for kind, digest in attempt.counted_keys():
        row = _locked_row(session, kind, digest, now)
        if now - row.last_failure_at > FORGET_AFTER:
            row.failures, row.lockouts = 0, 0
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= limits[kind]:
            row.locked_until = now + lockout_length(row.lockouts)
            row.failures, row.lockouts = 0, row.lockouts + 1
            lock_end = max(lock_end or row.locked_until, row.locked_until)
    session.flush()
    return lock_end


def record_success(session: Session, attempt: Attempt, customer_id: int, conversation_id: str, now: datetime) -> None:
    """The owner got in: their e-mail and order start again from zero (the client's count stays).

    The conversation is linked to the customer, so that their data can be exported and erased.
    """
    for kind, digest in attempt.counted_keys():
        if kind != "client":
            row = _row(session, kind, digest)
            if row is not None and (row.locked_until is None or row.locked_until <= now):
                row.failures, row.lockouts = 0, 0
    link = session.get(VerifiedConversation, (conversation_id, customer_id))
    if link is None:
        session.add(VerifiedConversation(conversation_id=conversation_id, customer_id=customer_id, verified_at=now))
    session.flush()


def _row(session: Session, kind: str, digest: str) -> VerificationFailure | None:
    query = select(VerificationFailure).where(
        VerificationFailure.kind == kind, VerificationFailure.key_digest == digest
    )
    return session.scalars(query).one_or_none()


def _rows(session: Session, attempt: Attempt) -> list[VerificationFailure | None]:
    return [_row(session, kind, digest) for kind, digest in attempt.counted_keys()]


def _locked_row(session: Session, kind: str, digest: str, now: datetime) -> VerificationFailure:
    """The key's row, locked for this transaction (created if new; two instances may race to create it)."""
    query = (
        select(VerificationFailure)
        .where(VerificationFailure.kind == kind, VerificationFailure.key_digest == digest)
        .with_for_update()
    )
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(VerificationFailure(kind=kind, key_digest=digest, failures=0, lockouts=0, last_failure_at=now))
    except IntegrityError:
        pass  # another instance created it first: use theirs
    return session.scalars(query).one()
