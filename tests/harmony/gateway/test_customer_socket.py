"""The socket layer's own rules: engine.io's errors on malformed packets are one log line each; the widget's cursor."""

import logging

import pytest

from harmony.gateway.customer_socket import quiet_protocol_errors, seen_by_widget


def test_a_malformed_packet_is_logged_as_one_line_with_its_error_type(caplog: pytest.LogCaptureFixture) -> None:
    quiet_protocol_errors()
    quiet_protocol_errors()  # once is enough, however many servers are built
    logger = logging.getLogger("engineio.server")
    assert len(logger.filters) == 1
    with caplog.at_level(logging.ERROR, logger="engineio.server"):
        try:
            raise ValueError("Expecting value: line 1 column 1 (char 0)")
        except ValueError:
            logger.exception("message async handler error")
    assert caplog.records[-1].getMessage() == "message async handler error (ValueError)"
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("auth", "query", "seen"),
    [
        ({"seen": 12}, "", 12),  # a reconnection: the page's script gives its cursor in the auth data
        ({"seen": 12}, "shop=fr&seen=3", 12),  # the auth data is newer than the page's address
        (None, "shop=fr&lang=fr&seen=7", 7),  # a page's first connection: its address
        ({"seen": "12"}, "", 12),
        ({}, "", None),  # a widget that does not say: the gateway's own cursor decides
        (None, "", None),
        ({"seen": -1}, "", None),
        ({"seen": True}, "", None),
        ({"seen": 2**70}, "", None),
        ({"seen": "12; DROP TABLE"}, "seen=abc", None),
        ("not a dict", "seen=99999999999999999999999", None),
        (None, "seen=%C2%B2", None),  # "²": a digit to str.isdigit, not to int(); the connection must not fail
        ({"seen": "\u0663"}, "", None),  # an Arabic-Indic 3: not a message id as a page writes it
    ],
)
def test_the_widget_cursor_is_taken_only_when_it_is_a_plausible_message_id(
    auth: object, query: str, seen: object
) -> None:
    assert seen_by_widget({"QUERY_STRING": query}, auth) == seen
