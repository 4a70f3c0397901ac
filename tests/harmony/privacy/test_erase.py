"""Erasure by e-mail: the conversations go everywhere, the shop's records stay (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import insert, select

from harmony.db.models import AuditRecord, Customer, Order, OrderItem, VerificationFailure, VerifiedConversation
from harmony.gateway.models import ChatMessage, Conversation
from harmony.orders.throttle import key_digest
from harmony.privacy.erase import ErasureCounts, Kept, erase_customer, preview_erasure
from harmony.privacy.statements import BATCH
from tests.harmony.privacy.scenario import CLAIRE, JEAN, JEANS_CONVERSATIONS, spread_jeans_data
from tests.harmony.privacy.stores import NOW, Stores


def _erase(stores: Stores, email: str) -> ErasureCounts:
    with stores.app() as app, stores.tracker() as tracker:
        counts = erase_customer(app, tracker, email)
        app.commit()
    return counts


def test_erasure_removes_the_conversations_and_keeps_the_orders(stores: Stores) -> None:
    spread_jeans_data(stores)
    orders, items = stores.count(Order), stores.count(OrderItem)

    counts = _erase(stores, JEAN.upper())

    assert counts == ErasureCounts(
        conversations=3,  # the REST one is in the tracker store only
        messages=4,
        handoff_summaries=1,
        tracker_events=3 + 3 + 5,  # session start, then each message and its reply
        verified_links=1,
        verification_records=2,
        kept=Kept(customer=True, orders=2, audit_records=1),
    )
    assert stores.conversation_ids() == {"c-claire"}
    assert all(stores.events_of(c) == 0 for c in JEANS_CONVERSATIONS)
    assert stores.events_of("c-claire") == 3
    assert (stores.count(Order), stores.count(OrderItem)) == (orders, items)
    with stores.app() as app:
        assert app.scalars(select(Customer).where(Customer.email == JEAN)).one().name == "Jean Dupont"
        audit = app.scalars(select(AuditRecord)).one()
        assert audit.conversation_id == "c-jean-verified"  # the order change keeps where it came from
        assert set(app.scalars(select(VerifiedConversation.conversation_id))) == {"c-claire"}
        remaining = set(app.scalars(select(VerificationFailure.key_digest)))
        assert remaining == {key_digest("email", CLAIRE), key_digest("client", "203.0.113.9")}
        assert len(app.scalars(select(ChatMessage).where(ChatMessage.conversation_id == "c-claire")).all()) == 2


def test_erasing_again_erases_nothing_and_fails_nothing(stores: Stores) -> None:
    spread_jeans_data(stores)
    _erase(stores, JEAN)
    assert _erase(stores, JEAN) == ErasureCounts(kept=Kept(customer=True, orders=2, audit_records=1))


def test_the_preview_counts_what_the_erasure_then_erases_and_changes_nothing(stores: Stores) -> None:
    spread_jeans_data(stores)
    with stores.app() as app, stores.tracker() as tracker:
        preview = preview_erasure(app, tracker, JEAN)
    assert stores.conversation_ids() == {"c-jean-verified", "c-jean-widget", "c-claire"}
    assert stores.events_of("c-jean-rest") == 5
    assert preview == _erase(stores, JEAN)


def test_without_a_tracker_store_yet_the_app_database_is_erased(stores: Stores) -> None:
    spread_jeans_data(stores)
    with stores.app() as app:
        counts = erase_customer(app, None, JEAN)
        app.commit()
    assert (counts.conversations, counts.tracker_events) == (2, 0)  # the REST one is not known
    assert stores.conversation_ids() == {"c-claire"}


def test_a_customer_with_more_conversations_than_one_batch_is_erased_whole(stores: Stores) -> None:
    ids = [f"c-{i:04d}" for i in range(2 * BATCH + 1)]
    with stores.app() as app, app.begin():
        app.execute(
            insert(Conversation),
            [dict(id=c, shop="fr", language="fr", owner="bot", created_at=NOW, updated_at=NOW) for c in ids],
        )
        app.execute(insert(ChatMessage), [dict(conversation_id=c, at=NOW, author="customer", text=JEAN) for c in ids])
    stores.rasa_events(ids[0], [JEAN])

    with stores.app() as app, stores.tracker() as tracker:
        assert preview_erasure(app, tracker, JEAN).messages == len(ids)
    counts = _erase(stores, JEAN)
    assert (counts.conversations, counts.messages, counts.tracker_events) == (len(ids), len(ids), 3)
    assert stores.conversation_ids() == set()
