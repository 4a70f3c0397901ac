"""The FAQ responses of the bot are generated from kb/ and the committed copy is current."""

from harmony.kb.faq import load_faq
from harmony.kb.faq_domain import FAQ_DOMAIN, faq_domain, render_faq_domain


def test_committed_faq_domain_is_up_to_date() -> None:
    assert FAQ_DOMAIN.read_text(encoding="utf-8") == render_faq_domain(), (
        "bot/domain/faq.yml is stale: run `make build-faq` (or `make train`)"
    )


def test_one_variation_per_market_and_language_plus_a_default() -> None:
    entries = load_faq()
    responses = faq_domain(entries)["responses"]
    assert len(responses) == 38
    variations = responses["utter_faq/shipping_cost"]
    assert len(variations) == 10
    chosen = {tuple(c["value"] for c in v["condition"]): v["text"] for v in variations if "condition" in v}
    assert chosen[("ro", "fr")] == entries["shipping_cost"].answer("ro", "fr")
    assert chosen[("intl", "ro")] == entries["shipping_cost"].answer("intl", "ro")


def test_answers_that_offer_a_person_have_the_button() -> None:
    entries = load_faq()
    topic, entry = next((t, e) for t, e in entries.items() if e.offer_agent)
    market = sorted(entry.offer_agent)[0]
    variations = faq_domain(entries)["responses"][f"utter_faq/{topic}"]
    with_market = [v for v in variations if "condition" in v and v["condition"][0]["value"] == market]
    assert all(v["buttons"][0]["payload"] == "/human_handoff" for v in with_market)
