"""The socket layer's own rules: engine.io's errors on malformed packets are one log line each."""

import logging

import pytest

from harmony.gateway.customer_socket import quiet_protocol_errors


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
