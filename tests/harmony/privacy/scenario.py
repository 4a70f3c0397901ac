"""One customer's data spread the way the product spreads it, next to another customer's.

Jean Dupont (demo orders HM-100102 and HM-100105) has three conversations: one where he verified
an order (linked by the action server; found by the link alone here), one in the widget where he
wrote his e-mail in a sentence and was handed off, and one on Rasa's REST channel the gateway never
saw. Claire Martin's conversation quotes his address only in an agent's message and in a longer
address: it is not his.
"""

from __future__ import annotations

from harmony.db.models import VerificationFailure
from tests.harmony.privacy.stores import Stores

JEAN = "jean.dupont@example.fr"
CLAIRE = "claire.martin@example.fr"
JEANS_CONVERSATIONS = ["c-jean-rest", "c-jean-verified", "c-jean-widget"]


def spread_jeans_data(stores: Stores) -> None:
    stores.conversation("c-jean-verified", [("customer", "où est ma commande ?"), ("bot", "Quel est le numéro ?")])
    stores.verified("c-jean-verified", JEAN)
    stores.audit("HM-100102", "c-jean-verified")
    stores.conversation(
        "c-jean-widget",
        [("customer", "Bonjour, c'est Jean.Dupont@Example.FR."), ("bot", "Je vous passe un conseiller.")],
        summary={"reason": "customer_request", "verified_order": "HM-100105"},
    )
    stores.rasa_events("c-jean-rest", ["HM-100105", JEAN])
    stores.conversation(
        "c-claire",
        [("customer", f"mon mari est x{JEAN}, moi {CLAIRE}"), ("agent", f"Je note {JEAN}.")],
    )
    stores.verified("c-claire", CLAIRE)
    stores.failures(("email", JEAN), ("order", "HM-100105"), ("email", CLAIRE), ("client", "203.0.113.9"))


def failure_kinds(stores: Stores) -> int:
    return stores.count(VerificationFailure)
