"""The order actions with real rasa_sdk trackers and the real database (SQLite and PostgreSQL).

Each demo order of ../shared/fixtures/demo_orders.yml is checked against its `case:` line.
"""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from bot.actions.order_conversation import implied_request
from harmony.database_setup import load_fixture_file
from harmony.db.engine import make_engine, session_factory
from harmony.db.models import AuditRecord, Order
from harmony.kb.order_texts import message
from harmony.settings import load_settings
from tests.bot.actions.order_chat import OrderChat

EMAILS = {
    "HM-100101": "claire.martin@example.fr",
    "HM-100102": "jean.dupont@example.fr",
    "HM-100104": "sophie.bernard@example.fr",
    "HM-100105": "jean.dupont@example.fr",
    "HM-100106": "lucas.moreau@example.fr",
    "HM-100107": "lucas.moreau@example.fr",
    "HM-200201": "ana.popescu@example.ro",
    "HM-200202": "mihai.ionescu@example.ro",
    "HM-200203": "ana.popescu@example.ro",
    "HM-200204": "mihai.ionescu@example.ro",
    "HM-300301": "emily.clark@example.com",
    "HM-300302": "emily.clark@example.com",
    "HM-300303": "emily.clark@example.com",
    "HM-300304": "emily.clark@example.com",
}


@pytest.fixture
def demo_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    load_fixture_file(database_url, load_settings().fixture_file)
    monkeypatch.setenv("HARMONY_DATABASE_URL", database_url)
    yield database_url


def _order_and_audits(url: str, number: str) -> tuple[str, int]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            order = session.scalars(select(Order).where(Order.number == number)).one()
            audits = session.scalar(
                select(func.count()).select_from(AuditRecord).where(AuditRecord.order_id == order.id)
            )
            return order.status, int(audits or 0)
    finally:
        engine.dispose()


def _delivered_at(url: str, number: str) -> datetime:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            delivered = session.scalars(select(Order.delivered_at).where(Order.number == number)).one()
    finally:
        engine.dispose()
    assert delivered is not None
    return delivered


def fourteenth_jour_ouvrable(delivered: datetime) -> date:
    """Counted here by hand: the 14th day after the Paris delivery day that is no Sunday and no French holiday."""
    day, counted, closed = delivered.astimezone(ZoneInfo("Europe/Paris")).date(), 0, holidays.France()
    while counted < 14:
        day += timedelta(days=1)
        counted += day.weekday() != 6 and day not in closed
    return day


def verified_chat(number: str, question: str, intent: str, language: str = "en") -> tuple[OrderChat, str]:
    """A conversation that asks `question` about `number`, then gives the right e-mail."""
    chat = OrderChat(language=language)
    first = chat.text(f"{question} {number}", intent)
    assert "@" not in first  # nothing about the order before verification
    return chat, chat.text(EMAILS[number], "inform")


# --- verification ----------------------------------------------------------------


def test_track_asks_number_then_email_then_gives_the_colissimo_tracking(demo_db: str) -> None:
    chat = OrderChat(language="en")
    assert "number" in chat.text("where is my order?", "track_order")
    assert "e-mail" in chat.text("it's hm 100106", "inform")
    answer = chat.text("lucas.moreau@example.fr", "inform")
    assert "Colissimo" in answer
    assert "6A98765432109" in answer
    assert "l***@example.fr" in answer
    assert "lucas.moreau" not in answer


def test_number_and_email_in_one_message_in_any_order(demo_db: str) -> None:
    chat = OrderChat(language="fr")
    answer = chat.text("lucas.moreau@example.fr et la commande HM100106, elle est où ?", "track_order")
    assert "Colissimo" in answer


def test_wrong_email_and_wrong_number_get_the_same_answer_and_reveal_nothing(demo_db: str) -> None:
    wrong_email = OrderChat().text("where is HM-100106? my email is someone@example.fr", "track_order")
    wrong_number = OrderChat().text("where is HM-100199? my email is lucas.moreau@example.fr", "track_order")
    assert wrong_email == wrong_number
    for secret in ("Colissimo", "6A98765432109", "Fauteuil", "Lucas", "shipped"):
        assert secret not in wrong_email


def test_five_failures_stop_the_checks_even_for_the_right_pair(demo_db: str) -> None:
    chat = OrderChat()
    for attempt in range(1, 5):
        assert f"attempt {attempt} of 5" in chat.text(f"HM-10010{attempt} nobody@example.com", "inform")
    locked = chat.say("HM-100105 nobody@example.com", "inform")
    assert "stop checking" in locked[0]["text"]
    assert locked[0]["buttons"][0]["payload"] == "/human_handoff"
    assert "stop checking" in chat.text("HM-100106 lucas.moreau@example.fr", "track_order")


def test_follow_up_questions_use_the_verified_order(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100106", "where is", "track_order")
    assert "lift chairs are excluded" in chat.text("and can I return it?", "return_order")
    assert "e-mail" not in chat.text("et pour l'annuler ?", "cancel_order")


def test_another_order_of_the_same_customer_needs_no_new_check(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100106", "where is", "track_order")
    assert "already cancelled" in chat.text("and cancel HM-100107", "cancel_order")


def test_another_customers_order_asks_for_its_email(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100106", "where is", "track_order")
    reply = chat.text("where is HM-100101?", "track_order")
    assert "e-mail address used for that order" in reply
    assert "Déambulateur" not in reply
    assert "being prepared" in chat.text("claire.martin@example.fr", "inform")


def test_database_down_gets_a_polite_message_and_keeps_the_question(
    unreachable_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARMONY_DATABASE_URL", unreachable_database_url)
    chat = OrderChat(language="ro")
    reply = chat.text("unde e comanda HM-200204? mihai.ionescu@example.ro", "track_order")
    assert "nu pot accesa acum sistemul de comenzi" in reply
    assert chat.slots["order_request"] == "track_order"


# --- every demo order's case -------------------------------------------------------

CASES = [
    ("HM-100101", "cancel_order", "en", ["hasn't shipped yet, so it can still be cancelled", "€128.90"]),
    ("HM-100102", "cancel_order", "fr", ["n'est pas encore expédiée : elle peut encore être annulée", "54,50"]),
    (
        "HM-100104",
        "return_order",
        "en",
        [
            "Rollator léger aluminium: can be returned until",
            "incontinence products are excluded",
            "Returns are free within 14 working days of delivery (Sundays and public holidays not counted)",
        ],
    ),
    (
        "HM-100105",
        "return_order",
        "fr",
        ["le délai de retour est de 14 jours ouvrables à compter de la livraison ; il a pris fin le"],
    ),
    ("HM-100106", "track_order", "fr", ["a été expédiée le", "Colissimo", "6A98765432109"]),
    (
        "HM-100106",
        "cancel_order",
        "en",
        ["can no longer be cancelled", "until it ships", "this one shipped on", "within 14 working days of delivery"],
    ),
    ("HM-100106", "return_order", "en", ["lift chairs are excluded"]),
    ("HM-100107", "cancel_order", "fr", ["déjà annulée"]),
    (
        "HM-200201",
        "return_order",
        "ro",
        [
            "Pantofi de alergare TrailFlex: poate fi returnat până pe",
            "Tricou personalizat cu nume: nu poate fi returnat",
            "Anunțați-l în 30 de zile de la livrare (zile calendaristice)",
        ],
    ),
    ("HM-200202", "cancel_order", "ro", ["nu a fost încă predată curierului", "98,00\xa0RON"]),
    ("HM-200203", "return_order", "en", ["the return window is 30 days from delivery; it ended on"]),
    ("HM-200204", "track_order", "ro", ["expediată ieri", "Sameday", "1ONB24055511122"]),
    ("HM-300301", "cancel_order", "en", ["can still be cancelled until", "gift card for the full amount"]),
    ("HM-300302", "cancel_order", "en", ["the 12-hour window ended", "locked for production"]),
    ("HM-300302", "track_order", "en", ["in production", "Production takes 5–10 days"]),
    ("HM-300303", "return_order", "en", ["made to order, so it isn't taken back", "replaced free of charge"]),
    (
        "HM-300304",
        "cancel_order",
        "fr",
        ["livraison express ne l'est plus dès qu'elle a un numéro de suivi", "avec le numéro 09445566778812"],
    ),
]


@pytest.mark.parametrize(
    ("number", "intent", "language", "expected"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_demo_order_cases(demo_db: str, number: str, intent: str, language: str, expected: list[str]) -> None:
    _, answer = verified_chat(number, "about order", intent, language)
    for text in expected:
        assert text in answer
    assert _order_and_audits(demo_db, number)[1] == 0  # asking never changes anything


LOCALES = {"fr": "fr_FR", "en": "en_GB", "ro": "ro_RO"}


@pytest.mark.parametrize(
    ("language", "returnable", "window_over"),
    [
        ("fr", "Rollator léger aluminium : retour possible jusqu'au {day} inclus", "il a pris fin le {day}."),
        ("en", "Rollator léger aluminium: can be returned until {day} (included)", "it ended on {day}."),
        ("ro", "Rollator léger aluminium: poate fi returnat până pe {day} inclusiv", "s-a încheiat pe {day}."),
    ],
)
def test_fr_demo_returns_give_the_fourteenth_working_day_after_delivery(
    demo_db: str, language: str, returnable: str, window_over: str
) -> None:
    for number, expected in (("HM-100104", returnable), ("HM-100105", window_over)):
        last_day = fourteenth_jour_ouvrable(_delivered_at(demo_db, number))
        _, answer = verified_chat(number, "return", "return_order", language)
        assert expected.format(day=format_date(last_day, "long", locale=LOCALES[language])) in answer


def test_confirmed_cancellation_cancels_once_with_one_audit_record(demo_db: str) -> None:
    chat, question = verified_chat("HM-100101", "je veux annuler ma commande", "cancel_order", "fr")
    assert "Confirmez-vous" in question
    done = chat.text("oui", "affirm")
    assert "C'est fait : la commande HM-100101 est annulée" in done
    assert "128,90" in done
    assert _order_and_audits(demo_db, "HM-100101") == ("cancelled", 1)
    assert chat.text("oui", "affirm") == "utter_how_can_i_help"  # nothing pending any more
    assert "déjà annulée" in chat.text("je veux annuler ma commande", "cancel_order")
    assert _order_and_audits(demo_db, "HM-100101") == ("cancelled", 1)


def test_confirmation_run_twice_cancels_once(demo_db: str) -> None:
    chat, _ = verified_chat("HM-300301", "cancel", "cancel_order")
    pending_events = list(chat.events)
    pending_slots = dict(chat.slots)
    assert "gift card" in chat.text("yes", "affirm")
    chat.events, chat.slots = pending_events, pending_slots  # the same confirmation delivered again
    assert "already cancelled" in chat.text("yes", "affirm")
    assert _order_and_audits(demo_db, "HM-300301") == ("cancelled", 1)


def test_saying_no_keeps_the_order(demo_db: str) -> None:
    chat, _ = verified_chat("HM-200202", "anulare comanda", "cancel_order", "ro")
    assert "nu a fost anulată" in chat.text("nu", "deny")
    assert _order_and_audits(demo_db, "HM-200202") == ("processing", 0)


def test_asking_to_cancel_again_asks_again_and_only_a_yes_cancels(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100102", "annuler", "cancel_order", "fr")
    again = chat.text("annulez la", "cancel_order")
    assert "Confirmez-vous l'annulation ?" in again and "est annulée" not in again
    assert _order_and_audits(demo_db, "HM-100102") == ("processing", 0)
    assert "est annulée" in chat.text("oui", "affirm")
    assert _order_and_audits(demo_db, "HM-100102") == ("cancelled", 1)


def test_modification_explains_the_rule_and_hands_off_with_the_order(demo_db: str) -> None:
    chat = OrderChat(language="en")
    chat.text("change my order HM-100101", "modify_order")
    messages = chat.say("claire.martin@example.fr", "inform")
    assert "can still be changed" in messages[1]["text"]
    assert "with order HM-100101 attached" in messages[1]["text"]
    handoff = messages[2]["custom"]["handoff"]
    assert handoff["reason"] == "modification"
    assert handoff["verified_order"] == "HM-100101"
    assert handoff["language"] == "en"
    assert "a person must make the change" in handoff["decision"]
    _, answer = verified_chat("HM-300302", "change my order", "modify_order")
    assert "12-hour window to change order HM-300302 ended" in answer


def test_order_details_the_nlu_was_unsure_about_still_reach_the_verification(demo_db: str) -> None:
    chat = OrderChat(language="en")
    chat.text("where is my order?", "track_order")
    assert "Colissimo" in chat.text("hm100106 lucas.moreau@example.fr", "nlu_fallback")


def test_faq_like_follow_ups_right_after_an_order_are_about_that_order(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100106", "où est ma commande", "track_order", "fr")
    assert "les fauteuils releveurs sont exclus des retours" in chat.text(
        "et je pourrai le retourner une fois reçu ?", "faq/return_policy"
    )
    assert "ne peut plus être modifiée" in chat.text(
        "par contre je peux changer l'adresse de livraison ?", "faq/update_details"
    )


def test_the_same_faq_question_without_an_order_in_the_conversation_is_the_faq(demo_db: str) -> None:
    assert (
        OrderChat(language="fr").text("je peux retourner un article ?", "faq/return_policy")
        == "utter_faq/return_policy"
    )


def test_follow_ups_end_after_two_other_turns(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100106", "where is", "track_order")
    chat.text("how do I pay?", "faq/payment_methods")
    chat.text("and the invoice?", "faq/invoice")
    assert chat.text("can I return something?", "faq/return_policy") == "utter_faq/return_policy"


def test_order_details_taken_for_a_password_question_still_identify_the_order(demo_db: str) -> None:
    chat = OrderChat(language="en")
    chat.text("can I return my order?", "return_order")
    assert "Rollator" in chat.text(
        "sure, it's hm-100104 and my email is sophie.bernard@example.fr", "faq/forgot_password"
    )


def test_a_question_asked_with_the_details_is_answered_even_if_the_model_said_inform() -> None:
    parse = {
        "text": "has my order shipped yet? HM100106, email lucas.moreau@example.fr",
        "intent_ranking": [{"name": "inform", "confidence": 0.63}, {"name": "track_order", "confidence": 0.3}],
    }
    assert implied_request(parse) == "track_order"
    assert implied_request({**parse, "text": "HM100106 lucas.moreau@example.fr"}) is None
    late = {
        "text": "still not received! HM-100106 lucas.moreau@example.fr",
        "intent_ranking": [{"name": "inform", "confidence": 1.0}, {"name": "faq", "confidence": 0.7}],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/parcel_delayed"}}},
    }
    assert implied_request(late) == "track_order"  # the FAQ topic the model saw is a question about the order


def test_a_late_parcel_with_its_order_details_gets_the_tracking(demo_db: str) -> None:
    answer = OrderChat(language="fr").text(
        "toujours pas reçu ! HM-100106 lucas.moreau@example.fr", "faq/parcel_delayed"
    )
    assert "Colissimo" in answer and "6A98765432109" in answer


# --- the look-up form and explicit confirmations ------------------------------------


def test_the_form_asks_for_what_is_missing_and_takes_six_digits_once_it_asked_for_the_number(demo_db: str) -> None:
    chat = OrderChat(language="en")
    assert chat.text("where is my order?", "track_order") == message("ask_number_and_email", "en")
    assert chat.text("lucas.moreau@example.fr", "inform") == message("ask_number", "en")
    assert chat.slots["requested_slot"] == "order_number"
    assert "Colissimo" in chat.text("it's 100106", "inform")
    assert chat.active_loop is None


def test_the_email_given_for_the_check_does_not_stay_in_the_conversation(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100106", "where is", "track_order")
    assert chat.slots["order_email"] is None
    assert chat.slots["verified_order"] == "HM-100106"
    assert str(chat.slots["verified_customer"]).isdigit()  # the customer's id, not their address
    assert chat.slots["verified_email_masked"] == "l***@example.fr"
    assert not [value for value in chat.slots.values() if "lucas.moreau" in str(value)]
    assert not [e for e in chat.events if e.get("event") == "slot" and "lucas.moreau" in str(e["value"])]
    failed = OrderChat()
    failed.text("where is HM-100106? my email is someone@example.fr", "track_order")
    assert failed.slots["order_email"] is None and failed.slots["order_number"] is None


def test_an_faq_question_while_the_form_asks_is_answered_and_the_next_details_continue(demo_db: str) -> None:
    chat = OrderChat(language="fr")
    chat.text("où est ma commande ?", "track_order")
    assert chat.text("c'est combien la livraison ?", "faq/shipping_cost") == "utter_faq/shipping_cost"
    assert chat.active_loop is None  # it stopped asking
    assert "Colissimo" in chat.text("HM-100106 lucas.moreau@example.fr", "inform")


def test_an_faq_question_while_the_cancellation_question_is_pending_withdraws_it_and_says_so(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100101", "je veux annuler ma commande", "cancel_order", "fr")
    reply = chat.say("comment je peux payer ?", "faq/payment_methods")
    assert reply[0]["text"] == message("cancel_not_confirmed", "fr", number="HM-100101")
    assert reply[1]["response"] == "utter_faq/payment_methods"
    assert chat.slots["cancellation_pending"] is None
    assert chat.text("oui", "affirm") == "utter_how_can_i_help"  # a yes later is not a yes to the question
    assert _order_and_audits(demo_db, "HM-100101") == ("processing", 0)


def test_a_no_keeps_the_order_and_a_yes_without_a_question_asks_what_to_do(demo_db: str) -> None:
    chat, _ = verified_chat("HM-100102", "annuler", "cancel_order", "fr")
    assert "n'est pas annulée" in chat.text("non", "deny")
    assert chat.text("oui", "affirm") == "utter_how_can_i_help"
    assert _order_and_audits(demo_db, "HM-100102") == ("processing", 0)


def test_the_hand_off_summary_shows_the_masked_email_only(demo_db: str) -> None:
    chat = OrderChat(language="en")
    chat.text("change my order HM-100101", "modify_order")
    handoff = chat.say("claire.martin@example.fr", "inform")[-1]["custom"]["handoff"]
    assert handoff["verified_email"] == "c***@example.fr"
    assert handoff["verification"] == "verified"
