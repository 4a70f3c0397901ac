"""The order repository on a fresh database per test (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harmony.database_setup import load_fixture_file
from harmony.db.models import AuditRecord, Customer, Order
from harmony.kb.order_policies import load_policies
from harmony.orders.cancellation import CancellationOutcome
from harmony.orders.facts import OrderFacts
from harmony.orders.repository import cancel_customer_order, verify_order
from harmony.orders.store import OrderStore, OrderStoreUnavailable
from harmony.orders.throttle import Attempt
from harmony.settings import load_settings


@pytest.fixture
def store(database_url: str) -> OrderStore:
    load_fixture_file(database_url, load_settings().fixture_file)
    return OrderStore(database_url)


def _state(store: OrderStore, number: str) -> tuple[str, int]:
    with store.transaction() as session:
        order = session.scalars(select(Order).where(Order.number == number)).one()
        audits = session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.order_id == order.id))
        return order.status, int(audits or 0)


def _find(session: Session, number: str, email: str) -> OrderFacts | None:
    return verify_order(session, Attempt(number, email), datetime.now(timezone.utc), "c").order


def _customer_id(session: Session, email: str) -> int:
    return session.scalars(select(Customer.id).where(Customer.email == email)).one()


def test_number_and_email_must_both_match(store: OrderStore) -> None:
    with store.transaction() as session:
        found = _find(session, "hm-200201", " Ana.Popescu@Example.RO ")
        assert found is not None
        assert [i.name for i in found.items] == ["Pantofi de alergare TrailFlex", "Tricou personalizat cu nume"]
        assert _find(session, "HM-200201", "mihai.ionescu@example.ro") is None
        assert _find(session, "HM-200202", "ana.popescu@example.ro") is None


def test_cancellation_writes_the_change_and_one_audit_record_once(store: OrderStore) -> None:
    now = datetime.now(timezone.utc)
    for expected in (CancellationOutcome.ALLOWED, CancellationOutcome.ALREADY_CANCELLED):
        with store.transaction() as session:
            claire = _customer_id(session, "claire.martin@example.fr")
            result = cancel_customer_order(session, "HM-100101", claire, load_policies(), now, "conv-1")
        assert result is not None
        assert result[1].outcome is expected
    assert _state(store, "HM-100101") == ("cancelled", 1)
    with store.transaction() as session:
        audit = session.scalars(select(AuditRecord)).one()
        assert (audit.action, audit.outcome, audit.conversation_id, audit.at) == (
            "cancel_order",
            "cancelled",
            "conv-1",
            now,
        )


def test_the_rule_is_checked_again_when_confirming(store: OrderStore) -> None:
    later = datetime.now(timezone.utc) + timedelta(hours=7)  # HM-300301's 12 h window has closed
    with store.transaction() as session:
        emily = _customer_id(session, "emily.clark@example.com")
        result = cancel_customer_order(session, "HM-300301", emily, load_policies(), later, "c")
    assert result is not None and result[1].outcome is CancellationOutcome.REFUSED
    assert _state(store, "HM-300301") == ("processing", 0)


def test_a_failure_inside_the_transaction_leaves_nothing_half_written(store: OrderStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as session:
        jean = _customer_id(session, "jean.dupont@example.fr")
        cancel_customer_order(session, "HM-100102", jean, load_policies(), datetime.now(timezone.utc), "c")
        raise RuntimeError("the connection dropped before the commit")
    assert _state(store, "HM-100102") == ("processing", 0)


def test_an_unreachable_database_is_one_clear_error(unreachable_database_url: str) -> None:
    with pytest.raises(OrderStoreUnavailable), OrderStore(unreachable_database_url).transaction() as session:
        _find(session, "HM-100101", "claire.martin@example.fr")
