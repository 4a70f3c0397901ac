"""The Rasa server's command line gets the API token in a form argparse always accepts."""

import argparse

import pytest

from bot.rasa_main import with_api_token


@pytest.mark.parametrize("token", ["abc123", "-starts-with-a-dash", "--double", "-t"])
def test_any_generated_token_is_read_as_the_tokens_value(token: str) -> None:
    parser = argparse.ArgumentParser()  # declared like `rasa run`'s option
    parser.add_argument("-t", "--auth-token", type=str)
    parser.add_argument("--enable-api", action="store_true")
    argv = with_api_token(["rasa", "run", "--model", "m.tar.gz"], token)
    assert argv[:4] == ["rasa", "run", "--model", "m.tar.gz"]
    parsed, _ = parser.parse_known_args(argv[4:])
    assert (parsed.auth_token, parsed.enable_api) == (token, True)


def test_other_commands_and_no_token_are_left_alone() -> None:
    assert with_api_token(["rasa", "train"], "secret") == ["rasa", "train"]
    assert with_api_token(["rasa", "run"], "") == ["rasa", "run"]
