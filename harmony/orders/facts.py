"""Plain, immutable views of an order: what the policies decide on (no database, no Rasa)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ItemFacts:
    sku: str
    name: str
    category: str
    quantity: int
    unit_price: Decimal
    made_to_order: bool = False
    personalised: bool = False
    hygiene_sealed: bool = False

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderFacts:
    number: str
    customer_email: str
    customer_name: str
    market: str
    status: str
    shipping: str
    carrier: str | None
    tracking: str | None
    currency: str
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    items: tuple[ItemFacts, ...]

    @property
    def total(self) -> Decimal:
        return sum((item.total for item in self.items), Decimal(0))

    @property
    def has_made_to_order_items(self) -> bool:
        return any(item.made_to_order for item in self.items)
