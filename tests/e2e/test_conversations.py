"""Every conversation script of tests/conversations/, played over the real stack (see conversation_runner)."""

import pytest

from harmony.settings import Settings
from tests.e2e.conversation_runner import Script, load_scripts, play

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("script", load_scripts(), ids=str)
def test_conversation(stack: Settings, script: Script) -> None:
    play(stack, script)
