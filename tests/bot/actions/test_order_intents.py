"""The order intents are declared once, in bot/domain/orders.yml; Python reads them from there."""

from pathlib import Path

import yaml

from bot.actions.order_intents import ORDERS_DOMAIN, details_intent, order_intents, order_requests


def test_the_order_questions_are_the_intents_that_set_order_request() -> None:
    assert order_requests() == ("track_order", "cancel_order", "return_order", "modify_order")
    assert order_intents() == frozenset({*order_requests(), "inform"})


def test_no_other_domain_file_declares_them() -> None:
    for path in sorted(Path(ORDERS_DOMAIN).parent.glob("*.yml")):
        if path != ORDERS_DOMAIN:
            declared = {str(i) for i in (yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or [])}
            assert not declared & order_intents(), path.name


def test_order_details_alone_are_inform_unless_the_model_saw_an_order_question() -> None:
    assert details_intent("affirm", "claire.martin@example.fr") == "inform"
    assert details_intent("faq", "HM-100104 / sophie.bernard@example.fr") == "inform"
    assert details_intent("cancel_order", "cancel HM-100101") is None
    assert details_intent("faq", "how much is shipping?") is None
