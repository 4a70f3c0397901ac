"""Replies in fr/en/ro with dates in the shop's zone and amounts for the language."""

from datetime import datetime, timedelta, timezone

import pytest

from harmony.orders.cancellation import decide_cancellation
from harmony.orders.messages import load_catalog, placeholders
from harmony.orders.policy_data import load_policies
from harmony.orders.replies import ReplyContext, cancellation_question, cancellation_refusal
from harmony.settings import LANGUAGES
from tests.harmony.orders.order_builder import order

POLICIES = load_policies()


def test_every_message_exists_in_each_language_with_the_same_placeholders() -> None:
    catalog = load_catalog()
    for key, texts in catalog["messages"].items():
        assert set(texts) >= set(LANGUAGES), key
        assert len({frozenset(placeholders(texts[lang])) for lang in LANGUAGES}) == 1, key


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "the 12-hour window ended today at 09:10"),
        ("fr", "ce délai a pris fin aujourd'hui à 09:10"),
        ("ro", "termenul s-a încheiat azi la ora 09:10"),
    ],
)
def test_refusal_names_the_deadline_in_the_shop_time_zone(language: str, expected: str) -> None:
    placed = datetime(2026, 11, 20, 20, 10, tzinfo=timezone.utc)  # 21:10 in Paris
    now = datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc)
    late = order("intl", placed_at=placed)
    reply = cancellation_refusal(
        ReplyContext(late, POLICIES["intl"], now, language), decide_cancellation(late, POLICIES["intl"], now)
    )
    assert expected in reply.text
    assert reply.buttons[0].payload == "/human_handoff"


def test_deadline_after_a_dst_change_is_shown_in_winter_time() -> None:
    placed = datetime(2026, 10, 24, 21, 0, tzinfo=timezone.utc)  # 23:00 in Paris, summer time
    now = placed + timedelta(hours=2)  # 01:00 on the 25th in Paris, still summer time
    eligible = order("intl", placed_at=placed)
    reply = cancellation_question(
        ReplyContext(eligible, POLICIES["intl"], now, "en"), decide_cancellation(eligible, POLICIES["intl"], now)
    )
    assert "until today at 10:00" in reply.text  # 09:00 UTC is 10:00 in winter time
    assert "US$10.00" in reply.text or "$10.00" in reply.text
