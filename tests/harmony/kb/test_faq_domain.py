"""The FAQ responses of the bot are generated from kb/ and the committed copy is current."""

from typing import Any

from harmony.kb.faq import load_faq
from harmony.kb.faq_domain import FAQ_DOMAIN, faq_domain, more_response, render_faq_domain, variant_of
from harmony.kb.markets import LANGUAGES, market_codes


def test_committed_faq_domain_is_up_to_date() -> None:
    assert FAQ_DOMAIN.read_text(encoding="utf-8") == render_faq_domain(), (
        "bot/domain/faq.yml is stale: run `make build-faq` (or `make train`)"
    )


def _chosen(variations: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {tuple(c["value"] for c in v["condition"]): v for v in variations if "condition" in v}


def test_one_variation_per_market_and_language_plus_a_default() -> None:
    entries = load_faq()
    responses = faq_domain(entries)["responses"]
    assert sorted(name for name in responses if not name.endswith("/more")) == sorted(
        f"utter_faq/{topic}" for topic in entries
    )
    variations = responses["utter_faq/shipping_cost"]
    assert len(variations) == 10
    chosen = _chosen(variations)
    assert chosen[("ro", "fr")]["text"] == entries["shipping_cost"].answer("ro", "fr")
    assert chosen[("intl", "ro")]["text"] == entries["shipping_cost"].answer("intl", "ro")
    assert variations[-1]["text"] == entries["shipping_cost"].answer("intl", "en")


def test_a_two_message_answer_gets_a_second_response_for_the_variants_that_have_one() -> None:
    entries = load_faq()
    responses = faq_domain(entries)["responses"]
    for topic, entry in entries.items():
        two = {(m, lang) for m in market_codes() for lang in LANGUAGES if len(entry.parts(m, lang)) == 2}
        if not two:
            assert more_response(topic) not in responses
            continue
        more = _chosen(responses[more_response(topic)])
        assert set(more) == two, topic
        for market, language in two:
            first = _chosen(responses[f"utter_faq/{topic}"])[(market, language)]
            assert (first["text"], more[(market, language)]["text"]) == entry.parts(market, language)


def test_the_handoff_button_is_on_the_answers_last_message() -> None:
    entries = load_faq()
    responses = faq_domain(entries)["responses"]
    first = _chosen(responses["utter_faq/update_details"])[("intl", "en")]
    more = _chosen(responses["utter_faq/update_details/more"])[("intl", "en")]
    assert "buttons" not in first
    assert more["buttons"] == [{"title": "Talk to a support agent", "payload": "/human_handoff"}]
    single = _chosen(responses["utter_faq/shipping_cost"])[("intl", "fr")]
    assert single["buttons"] == [{"title": "Parler à un conseiller", "payload": "/human_handoff"}]


def test_answers_that_offer_an_agent_have_the_button() -> None:
    entries = load_faq()
    topic, entry = next((t, e) for t, e in entries.items() if e.offer_agent)
    market = sorted(entry.offer_agent)[0]
    variations = faq_domain(entries)["responses"][f"utter_faq/{topic}"]
    with_market = [v for v in variations if "condition" in v and v["condition"][0]["value"] == market]
    assert all(v["buttons"][0]["payload"] == "/human_handoff" for v in with_market)


def test_the_variant_is_the_one_rasa_picks_for_the_slots() -> None:
    assert variant_of("ro", "fr") == ("ro", "fr")
    assert variant_of(None, "fr") == ("intl", "en")
    assert variant_of("fr", "de") == ("intl", "en")
