"""Orders for the policy tests, built in memory (the policies never touch a database)."""

from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal

from harmony.orders.facts import ItemFacts, OrderFacts

NOW = datetime(2026, 11, 21, 14, 0, tzinfo=timezone.utc)


def item(name: str = "Walker", category: str = "mobility", **flags: bool) -> ItemFacts:
    return ItemFacts(sku="SKU-1", name=name, category=category, quantity=1, unit_price=Decimal("10.00"), **flags)


def order(market: str = "fr", status: str = "processing", **changes: object) -> OrderFacts:
    base = OrderFacts(
        number="HM-100101",
        customer_email="claire.martin@example.fr",
        customer_name="Claire Martin",
        market=market,
        status=status,
        shipping="standard",
        carrier=None,
        tracking=None,
        currency={"fr": "EUR", "ro": "RON", "intl": "USD"}[market],
        placed_at=NOW,
        shipped_at=None,
        delivered_at=None,
        cancelled_at=None,
        items=(item(),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]
