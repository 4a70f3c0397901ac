"""A fixture file (`demo_orders.yml` format) with one processing `fr` order placed 2 h before "now"."""

from __future__ import annotations

import yaml


def one_order_fixture(number: str, email: str, case: str = "fr, placed 2 h ago, not shipped -> cancellable") -> str:
    """The YAML text of a one-customer, one-order fixture."""
    return yaml.safe_dump(
        {
            "customers": [{"email": email, "name": "Test Customer", "language": "fr"}],
            "orders": [
                {
                    "number": number,
                    "case": case,
                    "customer": email,
                    "market": "fr",
                    "placed": "-2h",
                    "status": "processing",
                    "shipping": "standard",
                    "carrier": None,
                    "tracking": None,
                    "shipped": None,
                    "delivered": None,
                    "currency": "EUR",
                    "items": [
                        {
                            "sku": "HMS-DEAMB-01",
                            "name": "Déambulateur",
                            "category": "mobility",
                            "quantity": 1,
                            "unit_price": 89.90,
                        }
                    ],
                }
            ],
        },
        allow_unicode=True,
        sort_keys=False,
    )
