"""The export of everything stored about a customer, found by e-mail (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

from harmony.orders.throttle import key_digest
from harmony.privacy.export import export_customer, to_json
from tests.harmony.privacy.scenario import CLAIRE, JEAN, JEANS_CONVERSATIONS, spread_jeans_data
from tests.harmony.privacy.stores import NOW, Stores


def _export(stores: Stores, email: str) -> dict[str, Any]:
    with stores.app() as app, stores.tracker() as tracker:
        return json.loads(to_json(export_customer(app, tracker, email, NOW)))


def test_the_export_holds_the_customers_conversations_orders_and_records(stores: Stores) -> None:
    spread_jeans_data(stores)
    document = _export(stores, " Jean.Dupont@example.FR ")

    assert document["customer"]["email"] == JEAN
    assert [o["number"] for o in document["orders"]] == ["HM-100102", "HM-100105"]
    assert all(o["items"] for o in document["orders"])
    conversations = {c["id"]: c for c in document["conversations"]}
    assert sorted(conversations) == JEANS_CONVERSATIONS  # not Claire's, which only quotes him

    widget = conversations["c-jean-widget"]
    assert [(m["author"], m["text"]) for m in widget["messages"]] == [
        ("customer", "Bonjour, c'est Jean.Dupont@Example.FR."),
        ("bot", "Je vous passe un conseiller."),
    ]
    assert widget["handoff_summary"] == {"reason": "customer_request", "verified_order": "HM-100105"}
    assert [e["type_name"] for e in widget["tracker_events"]] == ["action", "user", "bot"]
    assert widget["tracker_events"][1]["data"]["text"] == "Bonjour, c'est Jean.Dupont@Example.FR."
    assert conversations["c-jean-verified"]["verified_at"] == NOW.isoformat()
    rest = conversations["c-jean-rest"]
    assert rest["messages"] == [] and [e["data"].get("text") for e in rest["tracker_events"]][1::2] == [
        "HM-100105",
        JEAN,
    ]

    assert [(a["action"], a["conversation_id"]) for a in document["audit_records"]] == [
        ("cancel_order", "c-jean-verified")
    ]
    digests = {(r["kind"], r["key_digest"]) for r in document["verification_records"]}
    assert digests == {("email", key_digest("email", JEAN)), ("order", key_digest("order", "HM-100105"))}


def test_nothing_of_another_customer_is_in_an_export(stores: Stores) -> None:
    spread_jeans_data(stores)
    text = json.dumps(_export(stores, JEAN))
    assert CLAIRE not in text
    assert "c-claire" not in text
    assert key_digest("email", CLAIRE) not in text


def test_an_address_the_shop_does_not_know_gets_its_conversations_only(stores: Stores) -> None:
    stores.conversation("c-visitor", [("customer", "je suis visiteur@example.org, une question")])
    document = _export(stores, "visiteur@example.org")
    assert document["customer"] is None and document["orders"] == []
    assert [c["id"] for c in document["conversations"]] == ["c-visitor"]
    assert _export(stores, "personne@example.org")["conversations"] == []
