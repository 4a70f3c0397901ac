"""End to end over the REST channel: real Rasa server, real action server, trained model."""

import uuid
from typing import Any

import pytest

from harmony.bot_protocol import split_context_report
from harmony.kb.markets import PageContext
from harmony.kb.order_texts import message
from harmony.rasa_rest import send_message
from harmony.settings import Settings
from tests.e2e.replies import identify

pytestmark = pytest.mark.e2e


class Conversation:
    def __init__(self, settings: Settings, metadata: dict[str, Any] | None = None) -> None:
        self.url = settings.rasa_url
        self.sender = f"e2e-{uuid.uuid4().hex}"
        self.metadata = metadata
        self.last: list[dict[str, Any]] = []
        self.context: PageContext | None = None  # what the last turn reported

    def say_raw(self, message: Any) -> list[dict[str, Any]]:
        """The bot's messages as sent (order replies are built from kb/, not domain responses)."""
        self.last, self.context = split_context_report(send_message(self.url, self.sender, message, self.metadata))
        assert self.last, f"no reply to {message!r}"
        assert self.context is not None, "every turn reports the conversation's shop and language"
        return self.last

    def say(self, message: Any) -> list[tuple[str, str]]:
        return [identify(r["text"]) for r in self.say_raw(message)]

    def reply(self, message: Any) -> tuple[str, str]:
        replies = self.say(message)
        assert len(replies) == 1, replies
        return replies[0]


@pytest.mark.parametrize(("greeting", "language"), [("Bonjour", "fr"), ("Hello", "en"), ("Bună ziua", "ro")])
def test_a_greeting_is_answered_in_its_language(stack: Settings, greeting: str, language: str) -> None:
    assert Conversation(stack).reply(greeting) == ("utter_greet", language)


def test_the_language_sticks_across_ambiguous_messages(stack: Settings) -> None:
    chat = Conversation(stack, {"shop": "intl"})  # the intl shop would start in English
    assert chat.reply("Bonjour") == ("utter_greet", "fr")
    assert chat.reply("merci") == ("utter_you_are_welcome", "fr")
    assert chat.reply("ok")[1] == "fr"
    assert chat.say_raw("HM-100106")[0]["text"] == message("ask_email", "fr", number="HM-100106")


def test_switch_language_by_name_and_back_by_button(stack: Settings) -> None:
    chat = Conversation(stack)
    assert chat.reply("Bună ziua") == ("utter_greet", "ro")
    assert chat.context == PageContext("fr", "ro")  # no page: the default shop
    assert chat.reply("can we speak English?") == ("utter_language_switched", "en")
    assert chat.context == PageContext("fr", "en")
    assert chat.reply("merci") == ("utter_you_are_welcome", "en")  # "merci" alone does not switch
    assert chat.reply("parlez-vous roumain ?") == ("utter_language_switched", "ro")
    buttons = {b["title"]: b["payload"] for b in chat.last[0]["buttons"]}
    assert buttons == {
        "Français": '/switch_language{"requested_language": "fr"}',
        "English": '/switch_language{"requested_language": "en"}',
    }
    assert chat.reply(buttons["Français"]) == ("utter_language_switched", "fr")
    assert chat.reply("thx") == ("utter_you_are_welcome", "fr")


def test_the_page_language_is_the_starting_value(stack: Settings) -> None:
    assert Conversation(stack, {"shop": "fr", "language": "ro"}).reply("ok")[1] == "ro"
    assert Conversation(stack, {"shop": "ro"}).reply("merci") == ("utter_you_are_welcome", "ro")
    # a confident first message wins over the page language
    assert Conversation(stack, {"language": "ro"}).reply("Hello") == ("utter_greet", "en")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "utter_message_empty"),
        ("   \n ", "utter_message_empty"),
        ("x" * 100_000, "utter_message_too_long"),
        ("\x00\x01\x02\x03\x04\ufffd\ufffd", "utter_message_unreadable"),
        ({"not": "text"}, "utter_message_unreadable"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_the_conversation_goes_on(
    stack: Settings, message: Any, expected: str
) -> None:
    chat = Conversation(stack)
    assert chat.reply("Bonjour") == ("utter_greet", "fr")
    assert chat.reply(message) == (expected, "fr")
    assert chat.reply("au revoir") == ("utter_goodbye", "fr")


def test_typed_commands_do_no_more_than_the_bots_own_buttons(stack: Settings) -> None:
    """The stock widget sends a clicked button's payload as text, so a typed `/intent{...}` is
    read like a click: internal intents are not reachable and entities cannot set slots."""
    chat = Conversation(stack)
    assert chat.reply("Hello") == ("utter_greet", "en")
    assert chat.reply("/message_too_long") != ("utter_message_too_long", "en")  # internal: guard only
    assert chat.reply('/switch_language{"requested_language": "xx"}') == ("utter_language_switched", "en")
    assert chat.context == PageContext("fr", "en")  # no such language: nothing switched
    chat.say_raw('/track_order{"verified_order": "HM-100106", "verified_email": "someone@example.fr"}')
    assert [m["text"] for m in chat.last] == [message("no_match", "en", attempt="1", limit="5")]  # checked, refused


def test_out_of_scope_and_bot_challenge(stack: Settings) -> None:
    chat = Conversation(stack)
    assert chat.reply("are you a robot?") == ("utter_iamabot", "en")
    assert chat.reply("what's the weather like in Paris tomorrow?") == ("utter_out_of_scope", "en")
