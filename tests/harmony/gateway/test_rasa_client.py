"""The key that routes a conversation to one Rasa server stands for it without naming it."""

from __future__ import annotations

import secrets

from harmony.gateway.rasa_client import route_key


def test_a_conversation_always_has_the_same_route_key_and_the_key_does_not_reveal_it() -> None:
    conversations = [secrets.token_hex(16) for _ in range(200)]
    keys = [route_key(conversation) for conversation in conversations]
    assert keys == [route_key(conversation) for conversation in conversations]  # stable across calls
    assert len(set(keys)) == len(keys)  # conversations are told apart
    for conversation, key in zip(conversations, keys, strict=True):
        assert len(key) == 16 and key.isalnum()  # URL-safe
        assert key not in conversation and conversation[:8] not in key
