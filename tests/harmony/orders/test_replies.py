"""Replies in fr/en/ro: each refusal names the shop's rule, when it stopped applying, the next step.

Dates are shown in the shop's time zone and amounts for the language.
"""

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from harmony.kb.order_policies import load_policies
from harmony.orders.cancellation import decide_cancellation
from harmony.orders.replies import (
    ReplyContext,
    cancellation_question,
    cancellation_refusal,
    modification_reply,
    returns_reply,
)
from harmony.orders.returns import decide_returns
from tests.harmony.orders.order_builder import item, order

POLICIES = load_policies()
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)  # Wednesday 25 November 2026


def refusal(market: str, language: str, *, now: datetime = NOW, **changes: object) -> tuple[str, list[str]]:
    the_order = order(market, **changes)  # type: ignore[arg-type]
    reply = cancellation_refusal(
        ReplyContext(the_order, POLICIES[market], now, language), decide_cancellation(the_order, POLICIES[market], now)
    )
    assert 1 <= len(reply.text.splitlines()) <= 5
    return reply.text, [b.payload for b in reply.buttons]


def returns_text(market: str, language: str, *, now: datetime = NOW, **changes: object) -> tuple[str, list[str]]:
    the_order = order(market, **changes)  # type: ignore[arg-type]
    reply = returns_reply(
        ReplyContext(the_order, POLICIES[market], now, language), decide_returns(the_order, POLICIES[market], now)
    )
    assert 2 <= len(reply.text.splitlines()) <= 5
    return reply.text, [b.payload for b in reply.buttons]


# --- returns ---------------------------------------------------------------------

FR_DELIVERED_MONDAY_2_NOV = datetime(2026, 11, 2, 15, 0, tzinfo=PARIS)  # last day Thursday 19 November


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Walker : le délai de retour est de 14 jours ouvrables à compter de la livraison ; il a pris fin le 19 novembre 2026.",
        ),
        ("en", "Walker: the return window is 14 working days from delivery; it ended on 19 November 2026."),
        (
            "ro",
            "Walker: termenul de retur este de 14 zile lucrătoare de la livrare; s-a încheiat pe 19 noiembrie 2026.",
        ),
    ],
)
def test_fr_return_refused_names_the_working_day_window_and_its_last_day(language: str, expected: str) -> None:
    text, buttons = returns_text("fr", language, status="delivered", delivered_at=FR_DELIVERED_MONDAY_2_NOV)
    assert expected in text
    assert buttons == ["/human_handoff"]  # a faulty item: the warranty, with a support agent


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "le délai de retour est de 30 jours à compter de la livraison ; il a pris fin le 31 octobre 2026."),
        ("en", "the return window is 30 days from delivery; it ended on 31 October 2026."),
        ("ro", "termenul de retur este de 30 de zile de la livrare; s-a încheiat pe 31 octombrie 2026."),
    ],
)
def test_ro_return_refused_names_the_thirty_day_window_and_its_last_day(language: str, expected: str) -> None:
    delivered = datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc)
    text, _ = returns_text("ro", language, status="delivered", delivered_at=delivered)
    assert expected in text


@pytest.mark.parametrize(
    ("language", "until", "window"),
    [
        ("fr", "retour possible jusqu'au 19 novembre 2026 inclus", "dans les 14 jours ouvrables suivant la livraison"),
        ("en", "can be returned until 19 November 2026 (included)", "within 14 working days of delivery"),
        ("ro", "poate fi returnat până pe 19 noiembrie 2026 inclusiv", "în 14 zile lucrătoare de la livrare"),
    ],
)
def test_fr_returnable_item_gives_its_last_day_and_the_free_return_window(
    language: str, until: str, window: str
) -> None:
    now = datetime(2026, 11, 19, 22, 59, tzinfo=timezone.utc)  # 23:59 in Paris on the last day
    text, _ = returns_text("fr", language, now=now, status="delivered", delivered_at=FR_DELIVERED_MONDAY_2_NOV)
    assert until in text
    assert window in text
    counting = {"fr": "(hors dimanches et jours fériés)", "en": "(Sundays and public holidays not counted)"}
    assert counting.get(language, "(fără duminici și sărbători legale)") in text


@pytest.mark.parametrize(
    ("market", "language", "expected"),
    [
        ("fr", "fr", "pas encore livré ; le délai de retour de 14 jours ouvrables commencera à la livraison"),
        ("fr", "en", "not delivered yet; the return window of 14 working days will start on delivery"),
        ("ro", "ro", "nu a fost încă livrat; termenul de retur de 30 de zile va începe la livrare"),
        ("ro", "en", "not delivered yet; the return window of 30 days will start on delivery"),
    ],
)
def test_not_delivered_says_when_the_window_starts(market: str, language: str, expected: str) -> None:
    text, _ = returns_text(market, language, status="shipped", shipped_at=NOW - timedelta(days=1))
    assert expected in text


def test_ro_perishable_goods_are_named_as_the_seed_states() -> None:
    delivered = NOW - timedelta(days=2)
    text, _ = returns_text("ro", "ro", status="delivered", delivered_at=delivered, items=(item("Suc", "perishable"),))
    assert "bunurile care se pot deteriora sau expira rapid sunt excluse de la retur" in text


# --- cancellation ------------------------------------------------------------------

SHIPPED: dict[str, Any] = {"status": "shipped", "shipped_at": datetime(2026, 11, 24, 8, 30, tzinfo=timezone.utc)}


@pytest.mark.parametrize(
    ("language", "rule", "next_step"),
    [
        (
            "fr",
            "annulable tant qu'elle n'est pas expédiée, et celle-ci est partie hier à 09:30",
            "dans les 14 jours ouvrables suivant la livraison",
        ),
        (
            "en",
            "can be cancelled until it ships, and this one shipped yesterday at 09:30",
            "within 14 working days of delivery",
        ),
        (
            "ro",
            "se poate anula până la expediere, iar aceasta a fost expediată ieri la ora 09:30",
            "în 14 zile lucrătoare de la livrare",
        ),
    ],
)
def test_fr_refusal_names_until_shipped_when_it_shipped_and_the_return_window(
    language: str, rule: str, next_step: str
) -> None:
    text, buttons = refusal("fr", language, **SHIPPED)
    assert rule in text
    assert next_step in text
    assert buttons == ["/return_order"]


@pytest.mark.parametrize(
    ("language", "rule", "next_step"),
    [
        (
            "fr",
            "annulable jusqu'à sa remise au transporteur, qui a eu lieu hier à 10:30",
            "dans les 30 jours suivant la livraison",
        ),
        ("en", "until it is handed to the courier, which happened yesterday at 10:30", "within 30 days of delivery"),
        ("ro", "până la predarea către curier, care a avut loc ieri la ora 10:30", "în 30 de zile de la livrare"),
    ],
)
def test_ro_refusal_names_until_handed_to_the_courier_in_bucharest_time(
    language: str, rule: str, next_step: str
) -> None:
    text, buttons = refusal("ro", language, **SHIPPED)
    assert rule in text
    assert next_step in text
    assert buttons == ["/return_order"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "orders can be cancelled within 12 hours of being placed, and the 12-hour window ended today at 09:10"),
        ("fr", "annulable dans les 12 heures suivant sa passation, et ce délai a pris fin aujourd'hui à 09:10"),
        ("ro", "se poate anula în 12 ore de la plasare, iar termenul s-a încheiat azi la ora 09:10"),
    ],
)
def test_intl_refusal_names_the_twelve_hour_rule_and_when_it_ended(language: str, expected: str) -> None:
    placed = datetime(2026, 11, 20, 20, 10, tzinfo=timezone.utc)  # 21:10 in Paris
    text, buttons = refusal("intl", language, now=datetime(2026, 11, 21, 13, 0, tzinfo=timezone.utc), placed_at=placed)
    assert expected in text
    assert buttons == ["/human_handoff"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "an expedited order can't be cancelled once it has a tracking number, and this one shipped today at 10:00 with tracking number 0944",
        ),
        (
            "fr",
            "une commande en livraison express ne l'est plus dès qu'elle a un numéro de suivi, et celle-ci est partie aujourd'hui à 10:00 avec le numéro 0944",
        ),
        (
            "ro",
            "nu mai poate fi anulată după ce are număr de urmărire, iar aceasta a fost expediată azi la ora 10:00 cu numărul 0944",
        ),
    ],
)
def test_intl_expedited_refusal_names_the_tracking_rule_and_when_it_shipped(language: str, expected: str) -> None:
    changes: dict[str, Any] = {
        "status": "shipped",
        "shipping": "expedited",
        "tracking": "0944",
        "placed_at": NOW - timedelta(hours=3),
    }
    text, buttons = refusal("intl", language, shipped_at=NOW - timedelta(hours=1), **changes)
    assert expected in text
    assert buttons == ["/human_handoff"]
    undated, _ = refusal("intl", "en", status="processing", shipping="expedited", tracking="0944", placed_at=NOW)
    assert "this one already has one (0944)" in undated


def test_intl_shipped_refusal_names_both_rules() -> None:
    text, buttons = refusal(
        "intl", "en", status="shipped", placed_at=NOW - timedelta(days=9), shipped_at=NOW - timedelta(days=1)
    )
    assert "within 12 hours of being placed and before they ship, and this one shipped yesterday at 11:00" in text
    assert buttons == ["/human_handoff"]


@pytest.mark.parametrize(
    ("market", "language", "expected"),
    [
        (
            "intl",
            "en",
            "can still be cancelled until today at 23:00 (within 12 hours of ordering). You would receive a gift card for the full amount.",
        ),
        (
            "intl",
            "fr",
            "jusqu'à aujourd'hui à 23:00 (dans les 12 heures suivant la commande). Vous recevrez alors une carte cadeau du montant total.",
        ),
        (
            "fr",
            "en",
            "hasn't shipped yet, so it can still be cancelled. You would be refunded to the payment method you used.",
        ),
        (
            "ro",
            "ro",
            "nu a fost încă predată curierului, deci poate fi anulată. Veți fi rambursat prin metoda de plată folosită.",
        ),
    ],
)
def test_confirmation_names_the_rule_and_the_refund(market: str, language: str, expected: str) -> None:
    eligible = order(market, placed_at=NOW)
    reply = cancellation_question(
        ReplyContext(eligible, POLICIES[market], NOW, language), decide_cancellation(eligible, POLICIES[market], NOW)
    )
    assert expected in reply.text
    assert [b.payload for b in reply.buttons] == ["/affirm", "/deny"]


def test_deadline_after_a_dst_change_is_shown_in_winter_time() -> None:
    placed = datetime(2026, 10, 24, 21, 0, tzinfo=timezone.utc)  # 23:00 in Paris, summer time
    now = placed + timedelta(hours=2)  # 01:00 on the 25th in Paris, still summer time
    eligible = order("intl", placed_at=placed)
    reply = cancellation_question(
        ReplyContext(eligible, POLICIES["intl"], now, "en"), decide_cancellation(eligible, POLICIES["intl"], now)
    )
    assert "until today at 10:00" in reply.text  # 09:00 UTC is 10:00 in winter time
    assert "$10.00" in reply.text


def test_ro_return_how_says_the_thirty_days_are_calendar_days() -> None:
    text, _ = returns_text("ro", "ro", status="delivered", delivered_at=NOW - timedelta(days=3))
    assert "Anunțați-l în 30 de zile de la livrare (zile calendaristice)" in text


def test_fr_modification_refused_names_until_shipped_and_when_it_shipped() -> None:
    shipped = order("fr", "shipped", shipped_at=datetime(2026, 11, 24, 8, 30, tzinfo=timezone.utc))
    text = modification_reply(ReplyContext(shipped, POLICIES["fr"], NOW, "en")).text
    assert "an order can be changed until it ships, and this one shipped yesterday at 09:30" in text
    assert "I'm passing your request to a support agent" in text
