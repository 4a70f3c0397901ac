"""Failed order checks counted per e-mail, order and client, across conversations (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from harmony.database_setup import load_fixture_file
from harmony.db.models import VerificationFailure, VerifiedConversation
from harmony.orders.repository import Verification, verify_order
from harmony.orders.store import OrderStore
from harmony.orders.throttle import Attempt, key_digest, lockout_length, record_failure
from harmony.settings import SettingsError, load_settings

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
OWNER = "lucas.moreau@example.fr"
REAL = "HM-100106"


@pytest.fixture
def store(database_url: str) -> OrderStore:
    load_fixture_file(database_url, load_settings().fixture_file)
    return OrderStore(database_url)


def _try(
    store: OrderStore, number: str, email: str = OWNER, client: str | None = None, at: datetime = NOW
) -> Verification:
    conversation = f"conversation-{number}-{at.isoformat()}"  # every try in a new conversation
    with store.transaction() as session:
        return verify_order(session, Attempt(number, email, client), at, conversation)


def test_five_wrong_numbers_for_one_email_lock_it_and_even_the_right_number_is_not_looked_up(
    store: OrderStore,
) -> None:
    results = [_try(store, f"HM-10020{i}", at=NOW + timedelta(seconds=i)) for i in range(5)]
    assert all(r.order is None for r in results)
    assert [r.locked_until is not None for r in results] == [False, False, False, False, True]
    locked = _try(store, REAL, at=NOW + timedelta(minutes=1))
    assert locked.order is None and locked.locked_until == NOW + timedelta(seconds=4, minutes=15)
    after = _try(store, REAL, at=NOW + timedelta(seconds=5, minutes=15))
    assert after.order is not None and after.order.number == REAL


def test_the_lockout_grows_each_time(store: OrderStore) -> None:
    assert [lockout_length(n) for n in range(6)] == [
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=16),
        timedelta(hours=24),
        timedelta(hours=24),
    ]
    moment = NOW
    ends = []
    for _round in range(3):
        for i in range(5):
            moment += timedelta(seconds=1)
            result = _try(store, f"HM-1003{i:02d}", at=moment)
        assert result.locked_until is not None
        ends.append(result.locked_until - moment)
        moment = result.locked_until
    assert ends == [timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4)]


def test_one_order_number_guessed_with_many_emails_is_locked(store: OrderStore) -> None:
    for i in range(5):
        _try(store, REAL, email=f"guess{i}@example.fr", at=NOW + timedelta(seconds=i))
    assert _try(store, REAL, at=NOW + timedelta(minutes=2)).order is None  # the owner waits too (or asks an agent)


def test_one_client_is_locked_after_twenty_failures_whatever_the_pairs(store: OrderStore) -> None:
    for i in range(20):
        _try(store, f"HM-9{i:05d}", email=f"who{i}@example.com", client="client-a", at=NOW + timedelta(seconds=i))
    assert _try(store, REAL, client="client-a", at=NOW + timedelta(minutes=1)).order is None
    assert _try(store, REAL, client="client-b", at=NOW + timedelta(minutes=1)).order is not None


def test_a_success_clears_the_owners_counts_and_links_the_conversation(store: OrderStore) -> None:
    for i in range(4):
        _try(store, f"HM-10040{i}", at=NOW + timedelta(seconds=i))
    with store.transaction() as session:
        assert verify_order(session, Attempt(REAL, OWNER), NOW + timedelta(minutes=1), "chat-1").order is not None
    assert _try(store, "HM-100499", at=NOW + timedelta(minutes=2)).locked_until is None  # counting from zero again
    with store.transaction() as session:
        links = session.scalars(select(VerifiedConversation)).all()
        assert [link.conversation_id for link in links] == ["chat-1"]


def test_the_table_keeps_digests_not_emails_numbers_or_clients(store: OrderStore) -> None:
    _try(store, "HM-100777", client="203.0.113.9")
    with store.transaction() as session:
        rows = session.scalars(select(VerificationFailure)).all()
        stored = {(row.kind, row.key_digest) for row in rows}
    assert stored == {
        ("email", key_digest("email", OWNER)),
        ("order", key_digest("order", "HM-100777")),
        ("client", key_digest("client", "203.0.113.9")),
    }
    assert not any(OWNER in digest or "100777" in digest for _kind, digest in stored)


def test_the_limits_can_be_set_per_kind(store: OrderStore) -> None:
    """`HARMONY_FAILED_CHECKS` replaces some of the defaults (e.g. a shared test stack)."""
    attempt = Attempt("HM-100555", OWNER)
    with store.transaction() as session:
        assert record_failure(session, attempt, NOW, {"email": 2}) is None
        assert record_failure(session, attempt, NOW, {"email": 2}) == NOW + timedelta(minutes=15)
    assert load_settings({"HARMONY_FAILED_CHECKS": "email=2, client=50"}).failed_checks == (
        ("email", 2),
        ("client", 50),
    )
    with pytest.raises(SettingsError):
        load_settings({"HARMONY_FAILED_CHECKS": "phone=3"})
