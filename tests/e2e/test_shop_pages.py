"""Every shop's page, in every language it serves, through the real widget in headless chromium.

A customer asks FAQ questions whose answers differ between the shops and about their own
demo order; the facts checked here are written by hand from the seeds (not read from kb/):
a page that answers with another shop's facts fails. The whole product runs (gateway, Rasa
server, action server); the widget is the stock rasa-webchat 1.0.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from harmony.kb.handoff import handoff_text
from harmony.settings import Settings
from tests.e2e.widget_page import (
    TIMEOUT_MS,
    bot_messages,
    expect_bot,
    open_widget,
    page_url,
    send,
)

pytestmark = pytest.mark.e2e

# The free-shipping threshold of each shop, as its seed states it: 001 "99 €", 002 "200 lei",
# 004 "$149". A shop's answers never show another shop's.
THRESHOLDS = {"fr": ("99 €", "€99"), "ro": ("200 lei",), "intl": ("149 $", "$149")}


@dataclass(frozen=True)
class Visit:
    """A customer on `shop`'s page in `language`, writing in that language."""

    shop: str
    language: str
    greeting: str  # part of the bot's greeting in `language`
    shipping_question: str
    threshold: str
    countries_question: str
    countries: str  # seed 001: France, Corse, Belgique, Luxembourg; 002: Romania; 004: worldwide
    order_question: str
    order_details: str  # number and e-mail of the shop's demo order
    order_facts: tuple[str, ...]  # carrier and tracking number from the demo orders

    def __str__(self) -> str:
        return f"{self.shop}-{self.language}"


FR_ORDER = ("HM-100106 lucas.moreau@example.fr", ("Colissimo", "6A98765432109"))
RO_ORDER = ("HM-200204 mihai.ionescu@example.ro", ("Sameday", "1ONB24055511122"))
INTL_ORDER = ("HM-300304 emily.clark@example.com", ("DHL Express", "09445566778812"))

VISITS = [
    Visit(
        "fr", "fr", "Bonjour", "c'est combien la livraison ?", "99 €", "vous livrez dans quels pays ?", "Belgique",
        "où est ma commande ?", *FR_ORDER,
    ),
    Visit(
        "fr", "en", "Hello", "how much is delivery?", "€99", "which countries do you deliver to?", "Belgium",
        "where is my order?", *FR_ORDER,
    ),
    Visit(
        "ro", "ro", "Bună ziua", "Bună ziua, cât costă livrarea?", "200 lei", "în ce țări livrați?", "Bucure",
        "unde este comanda mea?", *RO_ORDER,
    ),
    Visit(
        "ro", "ro", "Bună ziua", "buna ziua, cat costa livrarea?", "200 lei", "livrati si in strainatate?", "Bucure",
        "unde e coletul meu", *RO_ORDER,
    ),
    Visit(
        "ro", "en", "Hello", "how much does shipping cost?", "200 lei", "do you deliver abroad?", "Bucharest",
        "where is my order?", *RO_ORDER,
    ),
    Visit(
        "intl", "en", "Hello", "how much is shipping?", "$149", "hi, do you ship to canada?", "worldwide",
        "where is my order?", *INTL_ORDER,
    ),
    Visit(
        "intl", "fr", "Bonjour", "livraison gratuite à partir de combien ?", "149 $", "vous livrez au Canada ?",
        "monde entier", "où est ma commande ?", *INTL_ORDER,
    ),
]  # fmt: skip


@pytest.mark.parametrize("visit", VISITS, ids=str)
def test_each_shop_page_answers_with_its_own_facts_in_the_customers_language(
    stack: Settings, customer: Page, visit: Visit
) -> None:
    customer.goto(page_url(stack, f"/shop/{visit.shop}?lang={visit.language}"))
    open_widget(customer)
    expect_bot(customer, visit.greeting)  # the opening /greet already knows the page's language

    send(customer, "x" * 2001)  # the gateway's own notice, before the bot has said anything else
    expect_bot(customer, handoff_text("too_long", visit.language))

    send(customer, visit.shipping_question)
    expect_bot(customer, visit.threshold)
    send(customer, visit.countries_question)
    expect_bot(customer, visit.countries)

    send(customer, visit.order_question)
    expect_bot(customer, "HM-123456")  # asks for the number and the e-mail
    send(customer, visit.order_details)
    for fact in visit.order_facts:
        expect_bot(customer, fact)

    others = [fact for shop, facts in THRESHOLDS.items() if shop != visit.shop for fact in facts]
    leaked = [(fact, text) for text in bot_messages(customer) for fact in others if fact in text]
    assert leaked == [], f"{visit} answered with another shop's facts"


def test_two_shops_pages_in_one_browser_keep_two_conversations(stack: Settings, customer: Page) -> None:
    """The demo serves every shop from one origin; each shop's site still has its own conversation."""
    customer.goto(page_url(stack, "/shop/fr"))
    open_widget(customer)
    send(customer, "c'est combien la livraison ?")
    expect_bot(customer, "99 €")

    customer.goto(page_url(stack, "/shop/ro"))
    open_widget(customer)
    expect_bot(customer, "Bună ziua")
    send(customer, "cât costă livrarea?")
    expect_bot(customer, "200 lei")
    assert not any("99 €" in text for text in bot_messages(customer))
    expect(customer.locator(".rw-client").filter(has_text="c'est combien la livraison ?")).to_have_count(0)

    customer.goto(page_url(stack, "/shop/fr/delivery"))
    open_widget(customer)  # back on the French shop: its conversation, not the Romanian one
    expect(customer.locator(".rw-client").filter(has_text="c'est combien la livraison ?")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(customer.locator(".rw-client").filter(has_text="cât costă livrarea?")).to_have_count(0)
