"""The FAQ answers say what the seeds state, and nothing the seeds don't.

`seed_facts.yml` (next to this file) is a table written by hand from the seeds: for every FAQ topic of
intents.yml and every shop, the facts its answer must state (amounts, thresholds, windows, contacts,
countries, carriers, card brands, percentages, ...), each with the seed passage it was read in. Each fact
is found in its seed, then in that shop's answer in fr, en and ro; a shop's own facts stay out of the
other shops' answers to the same topic; every number an answer states is a fact of its row; where a seed
states nothing, the answer says so or offers a support agent instead of inventing a fact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from harmony.kb.faq import FAQ_DIR, SEEDS_DIR, FaqEntry, faq_topics_of_label_set, load_faq
from harmony.kb.markets import LANGUAGES, market_codes
from harmony.settings import PROJECT_ROOT

TABLE_FILE = Path(__file__).with_name("seed_facts.yml")
SALON_SEED = "003"  # the salon's seed: its facts are on every shop page that answers for it
KINDS = frozenset(
    {"amount", "threshold", "window", "contact", "country", "carrier", "card", "percentage", "label", "rule"}
)
FACT_KEYS = frozenset({"say", "kind", "from", "quote", "own"})
ROW_KEYS = frozenset({"facts", "why"})

# The one word per language for the human agent (README, Knowledge base), and the ways an answer says
# that the shop's documents don't state something; both matched on normalised text (no accents).
AGENT = {"fr": "conseiller", "en": "support agent", "ro": "consultant"}
NOT_STATED = {
    "fr": re.compile(
        r"\bn(?:e |')(?:precis|mentionn|decri|indiqu|dis|detaill|prevoi|parl|trait|contien|donn|cit|nomm|expliqu)\w*"
        r" (?:pas|rien)\b|\bsans dire\b"
    ),
    "en": re.compile(
        r"\b(?:don't|doesn't) (?:state|say|mention|describe|give|cover|name|set out|offer|contain|explain|detail)\b"
        r"|\b(?:give|contain|set|mention)s? no\b"
    ),
    "ro": re.compile(r"\bnu (?:precizeaza|mentioneaza|descriu|indica|contin|trateaza|prevad|explica|dau|detaliaza)\b"),
}

_PUNCTUATION = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"}
    | {quote: " " for quote in '"«»“”„'}
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
LEFTOVER_NUMBER = re.compile(r"\d(?:[\d.,:/ -]*\d)?")  # "05 86 30 06 72" or "24-72" is one


def normalise(text: str) -> str:
    """Lower case, no accents (ș and ş alike), one kind of apostrophe and dash, no quotation marks, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_PUNCTUATION).lower().split())


def numbers(text: str) -> set[str]:
    """The numbers of a text, decimal commas as points and clock times as 24-hour hours (3 pm = 15h = 15:00)."""
    text = normalise(text)
    text = re.sub(r"\b(\d{1,2}) ?pm\b", lambda hour: str(int(hour.group(1)) + 12), text)
    text = re.sub(r"\b(\d{1,2})(?: ?am\b|:00\b)", r"\1", text)
    return {number.replace(",", ".") for number in NUMBER.findall(text)}


@cache
def words_pattern(words: str) -> re.Pattern[str]:
    """`words` (normalised) as whole words: "99" is not found in "1999", "0,99" or "99.5"."""
    words = normalise(words)
    left = (r"(?<!\w)" if words[:1].isalnum() else "") + (r"(?<!\d[.,])" if words[:1].isdigit() else "")
    right = (r"(?!\w)" if words[-1:].isalnum() else "") + (r"(?![.,]\d)" if words[-1:].isdigit() else "")
    return re.compile(left + re.escape(words) + right)


@dataclass(frozen=True)
class Fact:
    say: dict[str, str]  # language -> the words the answer uses
    same_in_every_language: bool
    kind: str
    where: str  # the seed by number, then its heading or article
    quote: str
    own: bool

    @property
    def seed(self) -> str:
        return self.where[:3]

    def described(self, language: str) -> str:
        return f"{self.say[language]!r} ({self.kind}; {self.where})"


@dataclass(frozen=True)
class Row:
    topic: str
    shop: str
    facts: tuple[Fact, ...]
    why: str

    @property
    def name(self) -> str:
        return f"{self.topic}/{self.shop}"


def read_table(path: Path = TABLE_FILE) -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(raw, dict), f"{path.name}: not a mapping of topics"
    return raw


def _fact(raw: dict[str, Any]) -> Fact:
    say = raw.get("say", "")
    same = not isinstance(say, dict)
    return Fact(
        say={language: str(say) for language in LANGUAGES} if same else {k: str(v) for k, v in say.items()},
        same_in_every_language=same,
        kind=str(raw.get("kind", "")),
        where=str(raw.get("from", "")),
        quote=str(raw.get("quote", "")),
        own=raw.get("own") is True,
    )


def load_table(path: Path = TABLE_FILE) -> dict[tuple[str, str], Row]:
    rows = {}
    for topic, by_shop in read_table(path).items():
        for shop, row in (by_shop or {}).items():
            facts = tuple(_fact(fact) for fact in row.get("facts") or [] if isinstance(fact, dict))
            rows[topic, shop] = Row(topic, shop, facts, str(row.get("why") or "").strip())
    return rows


@lru_cache(maxsize=1)
def seed_files() -> dict[str, Path]:
    return {path.name[:3]: path for path in sorted(SEEDS_DIR.glob("[0-9][0-9][0-9]_*.txt"))}


@cache
def seed_text(number: str) -> str:
    return normalise(seed_files()[number].read_text(encoding="utf-8"))


def table_problems(path: Path = TABLE_FILE) -> list[str]:
    """Every defect of the table's shape: unknown keys, missing fields, a row without a fact or a reason."""
    problems = []
    for topic, by_shop in read_table(path).items():
        if not isinstance(by_shop, dict):
            problems.append(f"{topic}: not a mapping of shops")
            continue
        for shop, row in by_shop.items():
            where = f"{topic}/{shop}"
            if not isinstance(row, dict) or not isinstance(row.get("facts"), list):
                problems.append(f"{where}: a row is {{facts: [...], why: ...}}")
                continue
            problems += [f"{where}: unknown key {key!r}" for key in set(row) - ROW_KEYS]
            why = str(row.get("why") or "")
            if not row["facts"] and not why:
                problems.append(f"{where}: no fact, so 'why' must say what the seeds leave unsaid")
            if why and not set(re.findall(r"\b\d{3}\b", why)) & set(seed_files()):
                problems.append(f"{where}: 'why' names no seed by number")
            for index, fact in enumerate(row["facts"]):
                problems += _fact_problems(f"{where} facts[{index}]", fact)
    return problems


def _fact_problems(where: str, raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: not a mapping"]
    problems = [f"{where}: unknown key {key!r}" for key in set(raw) - FACT_KEYS]
    problems += [f"{where}: '{key}' is missing" for key in ("say", "kind", "from", "quote") if not raw.get(key)]
    say = raw.get("say")
    if isinstance(say, dict) and set(say) != set(LANGUAGES):
        problems.append(f"{where}: 'say' gives {sorted(say)}, it needs exactly {list(LANGUAGES)}")
    if raw.get("kind") and raw["kind"] not in KINDS:
        problems.append(f"{where}: kind {raw['kind']!r} is none of {sorted(KINDS)}")
    if raw.get("from") and str(raw["from"])[:3] not in seed_files():
        problems.append(f"{where}: 'from' must start with a seed number ({', '.join(seed_files())})")
    return problems


@cache
def _entries_or_problem() -> dict[str, FaqEntry] | str:
    try:
        return load_faq()
    except ValueError as error:
        return str(error)


def entries() -> dict[str, FaqEntry]:
    """The kb's entries, read once; an invalid kb fails each test at once with its problems."""
    found = _entries_or_problem()
    if isinstance(found, str):
        pytest.fail(found, pytrace=False)
    return found


ROWS = load_table()
ROW_IDS = [row.name.replace("/", "-") for row in ROWS.values()]
SILENT_ROWS = [row for row in ROWS.values() if row.why]


def test_the_table_has_one_row_per_topic_and_shop_and_a_sound_shape() -> None:
    expected = {(topic, shop) for topic in faq_topics_of_label_set() for shop in market_codes()}
    assert table_problems() == []
    assert sorted(expected - set(ROWS)) == [], "rows missing from seed_facts.yml"
    assert sorted(set(ROWS) - expected) == [], "rows of seed_facts.yml that are no topic x shop"
    assert len(ROWS) == 38 * 3


@pytest.mark.parametrize("row", ROWS.values(), ids=ROW_IDS)
def test_each_fact_is_quoted_from_its_seed(row: Row) -> None:
    """A typo in the table fails here: the quote is in the seed, and the fact's numbers in the quote."""
    sources = entries()[row.topic].sources
    problems = []
    for fact in row.facts:
        if fact.seed not in seed_files():
            problems.append(f"{row.name}: {fact.where!r} names no seed")
            continue
        if normalise(fact.quote) not in seed_text(fact.seed):
            problems.append(f"{row.name}: the quote {fact.quote!r} is not in seed {fact.seed}")
        if fact.same_in_every_language and normalise(fact.say["fr"]) not in normalise(fact.quote):
            problems.append(f"{row.name}: {fact.say['fr']!r} is not in its quote {fact.quote!r}")
        for language in LANGUAGES:
            missing = numbers(fact.say[language]) - numbers(fact.quote)
            if missing:
                problems.append(
                    f"{row.name}: {fact.say[language]!r} ({language}) has {sorted(missing)}, not in {fact.quote!r}"
                )
        if seed_files()[fact.seed].name not in sources:
            problems.append(f"{row.name}: seed {fact.seed} is not among the entry's sources {list(sources)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("row", ROWS.values(), ids=ROW_IDS)
def test_the_answer_states_each_fact_in_every_language(row: Row) -> None:
    entry = entries()[row.topic]
    misses = []
    for language in LANGUAGES:
        text = normalise(entry.answer(row.shop, language))
        missed = [fact.described(language) for fact in row.facts if not words_pattern(fact.say[language]).search(text)]
        if missed:
            misses.append(f"{row.name}/{language} misses " + ", ".join(missed))
            misses.append(f"    answer: {entry.answer(row.shop, language)!r}")
    assert not misses, "\n".join(misses)


@pytest.mark.parametrize("row", ROWS.values(), ids=ROW_IDS)
def test_the_answer_leaves_out_the_other_shops_facts(row: Row) -> None:
    """A fr answer never says "200 lei" or "$149": each shop's own rule stays on its page."""
    entry = entries()[row.topic]
    wrong = []
    for language in LANGUAGES:
        text = normalise(entry.answer(row.shop, language))
        its_own = {normalise(fact.say[language]) for fact in row.facts}
        for shop in market_codes():
            others = ROWS[row.topic, shop].facts if shop != row.shop else ()
            for fact in others:
                said = normalise(fact.say[language])
                shared = any(words_pattern(said).search(form) for form in its_own)  # "24 à 48 h" in "24 à 48 h ouvrées"
                if fact.own and not shared and words_pattern(said).search(text):
                    wrong.append(f"{row.name}/{language} says {fact.described(language)}, a fact of the {shop} shop")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("row", ROWS.values(), ids=ROW_IDS)
def test_every_number_of_the_answer_is_a_fact_of_its_row(row: Row) -> None:
    """No invented amount, window or phone number: once the row's facts are taken out, no digit is left."""
    entry = entries()[row.topic]
    invented = []
    for language in LANGUAGES:
        text = normalise(entry.answer(row.shop, language))
        for fact in row.facts:
            text = words_pattern(fact.say[language]).sub(" ", text)
        for found in LEFTOVER_NUMBER.finditer(text):
            context = text[max(0, found.start() - 40) : found.end() + 40]
            invented.append(f"{row.name}/{language} states {found.group(0)!r}, no fact of the row: ...{context}...")
    assert not invented, "\n".join(invented)


@pytest.mark.parametrize("row", SILENT_ROWS, ids=[row.name.replace("/", "-") for row in SILENT_ROWS])
def test_where_the_seeds_are_silent_the_answer_says_so_or_offers_an_agent(row: Row) -> None:
    """With no fact at all, the answer must both say the documents don't state it and offer an agent."""
    entry = entries()[row.topic]
    problems = []
    for language in LANGUAGES:
        text = normalise(entry.answer(row.shop, language))
        says_so = bool(NOT_STATED[language].search(text))
        offers_agent = AGENT[language] in text
        if (not row.facts and not (says_so and offers_agent)) or not (says_so or offers_agent):
            problems.append(
                f"{row.name}/{language} ({row.why}): says the documents don't state it: {says_so}, "
                f"offers a {AGENT[language]}: {offers_agent}\n    answer: {entry.answer(row.shop, language)!r}"
            )
    assert not problems, "\n".join(problems)


def test_a_shops_contacts_are_in_no_other_shops_answer() -> None:
    contacts = {
        shop: {
            fact.say["fr"]
            for (_, row_shop), row in ROWS.items()
            if row_shop == shop
            for fact in row.facts
            if fact.kind == "contact" and fact.same_in_every_language and fact.seed != SALON_SEED
        }
        for shop in market_codes()
    }
    assert "contact@harmonie-hms.fr" in contacts["fr"] and "0724 325 234" in contacts["ro"]
    wrong = []
    for entry in entries().values():
        for shop in market_codes():
            for language in LANGUAGES:
                text = normalise(entry.answer(shop, language))
                for other, theirs in contacts.items():
                    found = [c for c in sorted(theirs) if other != shop and words_pattern(c).search(text)]
                    wrong += [
                        f"{entry.topic}/{shop}/{language} gives {c!r}, a contact of the {other} shop" for c in found
                    ]
    assert not wrong, "\n".join(wrong)


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
        assert seed_files()[SALON_SEED].name in entries[topic].sources
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
