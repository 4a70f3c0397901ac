"""The FAQ answers say what the seeds state: each fact is checked in its seed, then in the answers."""

import re

import pytest

from harmony.kb.faq import FAQ_DIR, SEEDS_DIR, load_faq
from harmony.kb.markets import LANGUAGES, market_codes
from harmony.settings import PROJECT_ROOT

FR, RO, INTL = "001_1853cfc8148f3cd3.txt", "002_20e3514fb51eacab.txt", "000_0a42d90602c9be84.txt"
INTL_FAQ, SALON = "004_177a75bd76841fb4.txt", "003_a3d0018f243144af.txt"

# (seed, passage of the seed, topic, markets, what the answer says in fr, en, ro)
SEED_FACTS = [
    (
        FR,
        "14 jours ouvrables à compter de la date de livraison",
        "return_policy",
        ["fr"],
        ("14 jours ouvrables", "14 working days", "14 zile lucrătoare"),
    ),
    (
        FR,
        "14 jours ouvrables à compter de la date de livraison",
        "return_costs",
        ["fr"],
        ("14 jours ouvrables", "14 working days", "14 zile lucrătoare"),
    ),
    (
        FR,
        "droit de rétractation de 14 jours ouvrables",
        "exchange",
        ["fr"],
        ("14 jours ouvrables", "14 working days", "14 zile lucrătoare"),
    ),
    (
        RO,
        "susceptibile de a se deteriora sau a expira rapid",
        "return_policy",
        ["ro"],
        ("expirer rapidement", "expire quickly", "expira rapid"),
    ),
    (
        RO,
        "returnarea valorii voucherului/schimbarea experientei initiale in termen de 30 de zile de la achizitie",
        "voucher_validity",
        ["ro"],
        ("30 jours suivant l'achat", "30 days of purchase", "30 de zile de la achiziție"),
    ),
    (
        RO,
        "returnarea valorii voucherului/schimbarea experientei initiale in termen de 30 de zile de la achizitie",
        "return_policy",
        ["ro"],
        ("30 jours suivant l'achat", "30 days of purchase", "30 de zile de la achiziție"),
    ),
    (
        RO,
        "mai putin costul unui transport",
        "refund_time",
        ["ro"],
        (
            "diminué du coût d'une livraison",
            "reduced by the cost of one delivery",
            "se reduce cu costul unui transport",
        ),
    ),
    (
        RO,
        "mai putin costul unui transport",
        "return_costs",
        ["ro"],
        (
            "diminué du coût d'une livraison",
            "reduced by the cost of one delivery",
            "se reduce cu costul unui transport",
        ),
    ),
    (
        RO,
        "dreptul de a cere reactivarea codului promotional",
        "promo_code",
        ["ro"],
        ("réactivation du code", "reactivated", "reactivarea codului"),
    ),
    (
        RO,
        "limitat la o singura utilizare",
        "promo_code",
        ["ro"],
        ("ne sert qu'une fois", "can be used once", "o singură dată"),
    ),
    (
        INTL,
        "un chèque-cadeau du montant total de l'achat",
        "refund_time",
        ["intl"],
        ("chèque-cadeau du montant total", "gift card for the full amount", "card cadou pentru valoarea integrală"),
    ),
    (
        INTL_FAQ,
        "Tous nos produits sont hors taxes pour les clients",
        "prices_currency",
        ["intl"],
        ("hors taxes", "exclude taxes", "nu includ taxele"),
    ),
    (
        SALON,
        "Visa, Mastercard, American Express",
        "payment_methods",
        list(market_codes()),
        ("American Express", "American Express", "American Express"),
    ),
    (
        SALON,
        "Visa, Mastercard, American Express",
        "booking_cancellation",
        ["fr", "intl"],
        ("American Express", "American Express", "American Express"),
    ),
    (
        SALON,
        "complété jusqu’au prix total, le jour du rendez-vous",
        "payment_methods",
        list(market_codes()),
        ("le jour du rendez-vous", "on the day of the appointment", "în ziua programării"),
    ),
    (
        SALON,
        "par écrit et par courrier recommandé dans les huit jours",
        "booking_cancellation",
        ["fr", "intl"],
        ("huit jours", "eight days", "opt zile"),
    ),
    (
        SALON,
        "au plus tard dix (10) jours avant l'expiration de sa carte bancaire",
        "subscription",
        list(market_codes()),
        ("10 jours avant l'expiration", "10 days before your card expires", "10 zile înainte de expirarea cardului"),
    ),
    (
        SALON,
        "au plus tôt trois mois et au plus tard un mois avant le terme",
        "subscription",
        list(market_codes()),
        ("rappel écrit", "written reminder", "notificare scrisă"),
    ),
]


@pytest.mark.parametrize(("seed", "passage", "topic", "markets", "said"), SEED_FACTS)
def test_a_fact_of_a_seed_is_in_the_answers(
    seed: str, passage: str, topic: str, markets: list[str], said: tuple[str, str, str]
) -> None:
    assert passage in (SEEDS_DIR / seed).read_text(encoding="utf-8")
    entry = load_faq()[topic]
    assert seed in entry.sources
    for market in markets:
        for language, words in zip(LANGUAGES, said, strict=True):
            assert words in entry.answer(market, language), (topic, market, language)


# A 14-day return window not counted in working days (fr, en, ro).
UNQUALIFIED_14_DAYS = {
    "fr": re.compile(r"14 jours(?! ouvrables)"),
    "en": re.compile(r"14[ -]days?\b"),
    "ro": re.compile(r"14 zile(?! lucrătoare)"),
}


def test_the_fr_shop_counts_its_return_window_in_working_days_everywhere() -> None:
    for entry in load_faq().values():
        for language in LANGUAGES:
            text = entry.answer("fr", language)
            assert not UNQUALIFIED_14_DAYS[language].search(text), (entry.topic, language, text)


def test_no_ro_answer_excludes_food_from_returns() -> None:
    food = re.compile(r"food|aliment|nourriture|denrée", re.IGNORECASE)
    for entry in load_faq().values():
        for language in LANGUAGES:
            assert not food.search(entry.answer("ro", language)), (entry.topic, language)


CANCELLATION_TOPICS = ("refund_time", "voucher_validity", "update_details")


@pytest.mark.parametrize("topic", CANCELLATION_TOPICS)
def test_intl_cancellation_answers_keep_the_configured_rule_and_note_the_conflict(topic: str) -> None:
    entry = load_faq()[topic]
    notes = "\n".join(entry.source_notes)
    assert "000" in notes and "004" in notes and "12" in notes and "24" in notes
    for language in LANGUAGES:
        text = entry.answer("intl", language)
        assert "12" in text and "24" not in text and "1.5" not in text and "1,5" not in text, (topic, language)


def test_intl_gift_card_and_fee_conflict_is_named_in_the_notes() -> None:
    notes = "\n".join(load_faq()["refund_time"].source_notes)
    assert "chèque-cadeau du montant total" in notes and "1.5%" in notes


def test_an_intl_order_change_is_not_promised() -> None:
    entry = load_faq()["update_details"]
    said = {"fr": "sans garantie", "en": "isn't guaranteed", "ro": "nu este garantată"}
    for language in LANGUAGES:
        assert said[language] in entry.answer("intl", language)
    assert any("peut-être" in note for note in entry.source_notes)


def test_the_salon_answers_on_every_shop_page() -> None:
    entries = load_faq()
    subscription = entries["subscription"]
    booking = entries["booking_cancellation"]
    for language in LANGUAGES:
        assert len({subscription.answer(market, language) for market in market_codes()}) == 1
        assert booking.answer("fr", language) == booking.answer("intl", language)
        assert "Harmonisa" in booking.parts("ro", language)[1]
        assert all("Harmonisa" in entries["payment_methods"].parts(m, language)[1] for m in market_codes())
    for topic in ("subscription", "booking_cancellation", "payment_methods"):
        assert SALON in entries[topic].sources
        assert any(note.startswith("003") and "no shop page" in note for note in entries[topic].source_notes)


# Calques and wrong meanings fixed in the kb; none may come back.
FIXED_WORDINGS = (
    "fără taxe",
    "fără să fi anulat",
    "nu există fonduri insuficiente",
    "ați depășit aceste termene",
    "igienice desigilate",
    "Conseil général",
    "Modifier mot de passe",
    "Pays livrés",
)
TEXT_FILES = [*sorted(FAQ_DIR.glob("*.yml")), FAQ_DIR.parent / "handoff.yml", FAQ_DIR.parent / "intent_titles.yml"]
TEXT_FILES += [PROJECT_ROOT / "bot" / "domain" / "faq.yml", PROJECT_ROOT / "bot" / "domain" / "core.yml"]


@pytest.mark.parametrize("wording", FIXED_WORDINGS)
def test_a_fixed_wording_does_not_come_back(wording: str) -> None:
    for path in TEXT_FILES:
        assert wording not in path.read_text(encoding="utf-8"), (wording, path.name)


# The human agent has one name per language: conseiller, support agent, consultant.
OTHER_NAMES_OF_THE_AGENT = {
    "fr": re.compile(r"\b(opérateur|agent|collègue|une personne|notre équipe|un membre)\b", re.IGNORECASE),
    "en": re.compile(r"\b(colleague|advisor|operator|a person|(?<!support )agents?|our team|team member)\b"),
    "ro": re.compile(r"\b(operator|coleg|consilier|o persoană|echipa noastră|agent)\b", re.IGNORECASE),
}


def test_the_agent_has_one_name_per_language_in_the_answers() -> None:
    for entry in load_faq().values():
        for market in market_codes():
            for language in LANGUAGES:
                text = entry.answer(market, language)
                found = OTHER_NAMES_OF_THE_AGENT[language].search(text)
                assert not found, (entry.topic, market, language, found.group(0) if found else "")
