"""The REST channel's turn: a turn that failed returns no reply, whatever Rasa collected before the failure."""

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.rest_input import HarmonyRestInput
from bot.tracker_store_failures import TrackerStoreUnavailable


def _turn(fails: bool) -> tuple[CollectingOutputChannel, BaseException | None]:
    """A turn whose bot asks for the e-mail, then (if `fails`) cannot save the conversation."""
    collector = CollectingOutputChannel()

    async def bot(message: UserMessage) -> None:
        await collector.send_text_message(message.sender_id, "Which e-mail address did you use?")
        if fails:
            raise TrackerStoreUnavailable("OperationalError")  # the database is restarting

    async def run() -> BaseException | None:
        message = UserMessage("where is HM-100106?", collector, "customer-1")
        try:
            await HarmonyRestInput().handle_and_report(bot, message)
        except TrackerStoreUnavailable as failure:
            return failure
        return None

    return collector, asyncio.run(run())


def test_a_turn_that_is_saved_returns_its_replies() -> None:
    collector, failure = _turn(fails=False)
    assert failure is None
    assert [m["text"] for m in collector.messages] == ["Which e-mail address did you use?"]


def test_a_turn_that_could_not_be_saved_returns_nothing_and_its_failure_goes_on_to_rasa() -> None:
    collector, failure = _turn(fails=True)
    assert isinstance(failure, TrackerStoreUnavailable)  # Rasa's channel logs it
    assert collector.messages == []  # not a question the conversation does not remember asking


@pytest.mark.parametrize("fails", [True, False])
def test_the_turn_leaves_no_failed_actions_list_behind(fails: bool) -> None:
    from bot.channels import rest_input

    _turn(fails)
    assert rest_input._failed_actions.get() is None
