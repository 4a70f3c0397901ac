"""FAQ over the REST channel: the right topic, in the customer's language, for the page's shop."""

import pytest

from harmony.kb.faq import load_faq
from harmony.settings import Settings
from tests.e2e.test_rest_conversations import Conversation

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("shop", "question", "topic", "language"),
    [
        ("fr", "c'est quoi les frais de livraison ?", "shipping_cost", "fr"),
        ("intl", "how long does delivery take?", "delivery_time", "en"),
        ("ro", "cât e taxa de livrare?", "shipping_cost", "ro"),
        ("ro", "how much is shipping?", "shipping_cost", "en"),
        ("fr", "combien de temps pour retourner un article ?", "return_policy", "fr"),
    ],
)
def test_faq_answer_for_the_shop_in_the_customers_language(
    stack: Settings, shop: str, question: str, topic: str, language: str
) -> None:
    chat = Conversation(stack, {"shop": shop})
    chat.say(question)
    assert [m["text"] for m in chat.last] == list(load_faq()[topic].parts(shop, language))


def test_same_question_different_shops_different_facts(stack: Settings) -> None:
    answers = set()
    for shop in ("fr", "ro", "intl"):
        chat = Conversation(stack, {"shop": shop})
        chat.say("how much is shipping?")
        answers.add(chat.last[0]["text"])
    assert len(answers) == 3


def test_a_did_you_mean_button_answers_its_topic(stack: Settings) -> None:
    chat = Conversation(stack, {"shop": "ro", "language": "ro"})
    chat.say('/faq{"faq_topic": "invoice"}')
    assert chat.last[0]["text"] == load_faq()["invoice"].parts("ro", "ro")[0]


def test_two_failures_in_a_row_hand_off_to_a_person(stack: Settings) -> None:
    chat = Conversation(stack, {"shop": "fr"})
    assert chat.reply("Bonjour")[0] == "utter_greet"
    # no word at all: the NLU cannot be confident, whatever the model
    first = chat.say("???")
    assert first[0][0] in ("utter_did_you_mean", "utter_default")
    assert first[0][1] == "fr"
    handoff = chat.say_raw("...")[0]["custom"]["handoff"]
    assert (handoff["reason"], handoff["language"], handoff["shop"]) == ("not_understood_twice", "fr", "fr")


def test_out_of_scope_says_what_the_bot_can_do(stack: Settings) -> None:
    chat = Conversation(stack, {"shop": "fr"})
    assert chat.reply("quel temps fera-t-il demain à Lyon ?") == ("utter_out_of_scope", "fr")
