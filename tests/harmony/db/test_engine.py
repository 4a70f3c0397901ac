"""The app database on SQLite and PostgreSQL: schema, UTC times, exact prices, a database that is down."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import OperationalError, StatementError

from harmony.db.engine import make_engine, session_factory
from harmony.db.models import Base, Customer, Order, OrderItem

BUCHAREST_SUMMER = timezone(timedelta(hours=3), "EEST")
KOLKATA = timezone(timedelta(hours=5, minutes=30), "IST")  # a half-hour offset catches hour-only conversions


def _order(number: str, placed_at: datetime, prices: list[Decimal]) -> Order:
    customer = Customer(email=f"{number.lower()}@example.ro", name="Ana Pop", language="ro")
    return Order(
        number=number,
        customer=customer,
        market="ro",
        status="shipped",
        shipping="standard",
        carrier=None,
        tracking=None,
        currency="RON",
        placed_at=placed_at,
        shipped_at=placed_at + timedelta(days=1),
        items=[
            OrderItem(sku=f"S-{i}", name="Articol", category="mobility", quantity=1, unit_price=price)
            for i, price in enumerate(prices)
        ],
    )


def _store(url: str, order: Order) -> None:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            session.add(order)
    finally:
        engine.dispose()


def _load(url: str, number: str) -> Order:
    """Read back through a new engine, so nothing comes from the writing session's memory."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            order = session.scalars(select(Order).where(Order.number == number)).one()
            _ = order.items
            return order
    finally:
        engine.dispose()


def test_the_schema_is_created_and_empty(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables)
        with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                assert connection.scalar(select(func.count()).select_from(table)) == 0, table.name
    finally:
        engine.dispose()


def test_an_aware_time_in_another_zone_comes_back_as_the_same_instant_in_utc(database_url: str) -> None:
    placed = datetime(2024, 7, 14, 23, 45, 12, 345678, tzinfo=BUCHAREST_SUMMER)  # 20:45:12 UTC
    _store(database_url, _order("HM-300001", placed, [Decimal("10.00")]))
    _store(database_url, _order("HM-300002", datetime(2024, 1, 1, 3, 0, tzinfo=KOLKATA), [Decimal("10.00")]))

    order = _load(database_url, "HM-300001")
    assert order.placed_at == placed
    assert order.placed_at.utcoffset() == timedelta(0)
    assert order.placed_at.replace(tzinfo=None) == datetime(2024, 7, 14, 20, 45, 12, 345678)
    assert order.shipped_at == placed + timedelta(days=1)

    across_midnight = _load(database_url, "HM-300002").placed_at
    assert (across_midnight.tzinfo, across_midnight.replace(tzinfo=None)) == (
        timezone.utc,
        datetime(2023, 12, 31, 21, 30),
    )


def test_a_naive_time_is_refused(database_url: str) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _store(database_url, _order("HM-300003", datetime(2024, 1, 1, 12, 0), [Decimal("1.00")]))


def test_prices_round_trip_exactly(database_url: str) -> None:
    prices = [Decimal("0.10"), Decimal("0.20"), Decimal("89.90"), Decimal("9999999999.99"), Decimal("1234.05")]
    _store(database_url, _order("HM-300004", datetime.now(timezone.utc), prices))

    loaded = [item.unit_price for item in _load(database_url, "HM-300004").items]
    assert loaded == prices
    assert [str(price) for price in loaded] == [str(price) for price in prices]  # same scale: 0.10, not 0.1
    assert all(isinstance(price, Decimal) for price in loaded)
    assert sum(loaded) == Decimal("10000001324.24")


def test_a_database_that_is_down_gives_a_clear_error(unreachable_database_url: str) -> None:
    """An error that says the connection was refused, not a hang (the per-test timeout bounds the wait)."""
    engine = make_engine(unreachable_database_url)
    try:
        with pytest.raises(OperationalError, match="Connection refused"), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


@pytest.fixture
def silent_server_url() -> Iterator[str]:
    """A port that accepts TCP connections but never answers: a server hung, or a lost network."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)  # the kernel completes the handshake; nobody ever reads or writes
        port = sock.getsockname()[1]
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def test_a_database_that_never_answers_fails_with_the_connect_timeout(silent_server_url: str) -> None:
    """Without the engine's connect timeout this would wait forever (and fail by the per-test timeout)."""
    engine = make_engine(silent_server_url)
    try:
        with pytest.raises(OperationalError, match="timeout expired"), engine.connect():
            pass
    finally:
        engine.dispose()
