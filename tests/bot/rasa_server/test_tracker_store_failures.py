"""A tracker store that fails fails the turn (bot/tracker_store_failures.py), on Rasa's real wrapper."""

import asyncio

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot import tracker_store_failures


class BrokenStore(InMemoryTrackerStore):
    """The database is down: every read and write fails."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("server closed the connection unexpectedly")

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("server closed the connection unexpectedly")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("server closed the connection unexpectedly")


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
        monkeypatch.setattr(FailSafeTrackerStore, name, getattr(FailSafeTrackerStore, name))  # undone after
    tracker_store_failures.install()


def test_rasa_alone_answers_a_failed_read_with_a_new_empty_conversation() -> None:
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    assert asyncio.run(store.retrieve("customer-1")) is None  # what the fix is for


def test_a_failed_read_fails_the_turn(installed: None) -> None:
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    with pytest.raises(tracker_store_failures.TrackerStoreUnavailable):
        asyncio.run(store.retrieve("customer-1"))
    with pytest.raises(tracker_store_failures.TrackerStoreUnavailable):
        asyncio.run(store.retrieve_full_tracker("customer-1"))


def test_a_failed_write_fails_the_turn_and_keeps_nothing_in_memory(installed: None) -> None:
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    tracker = DialogueStateTracker("customer-1", slots=[])
    with pytest.raises(tracker_store_failures.TrackerStoreUnavailable):
        asyncio.run(store.save(tracker))
    assert asyncio.run(store.fallback_tracker_store.retrieve("customer-1")) is None


def test_the_failure_is_logged_by_its_type_only(installed: None, caplog: pytest.LogCaptureFixture) -> None:
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    with pytest.raises(tracker_store_failures.TrackerStoreUnavailable):
        asyncio.run(store.retrieve("customer-1"))
    assert "ConnectionError" in caplog.text
    assert "server closed" not in caplog.text
