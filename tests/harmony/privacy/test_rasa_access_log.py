"""Rasa's HTTP API takes its token in the query string; Sanic's access log prints request lines."""

import logging

import pytest

from bot.rasa_main import ACCESS_LOGGER, hide_query_strings


def test_the_access_log_prints_the_path_without_the_query_string(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    filters = list(logger.filters)
    try:
        hide_query_strings()
        with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
            # what Sanic 21.12 logs for each request (sanic/http.py): the line is in the `request` extra
            logger.info("", extra={"request": "GET http://127.0.0.1:5005/status?token=s3cret", "status": 200})
            logger.info("", extra={"request": "POST http://127.0.0.1:5005/webhooks/rest/webhook", "status": 200})
    finally:
        logger.filters[:] = filters
    assert [r.request for r in caplog.records] == [  # type: ignore[attr-defined]
        "GET http://127.0.0.1:5005/status?...",
        "POST http://127.0.0.1:5005/webhooks/rest/webhook",
    ]
