"""Entry point of the Rasa server process (rasa environment; Rasa itself is imported only once the arguments are read).

The HTTP API token is read from the environment and handed to Rasa inside the
process, so it never appears on a command line (visible to `ps`) or in a log: Sanic's access
log (on when `LOG_LEVEL_LIBRARIES` is INFO or lower) prints request lines without their query
string, where Rasa's HTTP API takes the token.
"""

from __future__ import annotations

import logging
import os
import sys

ACCESS_LOGGER = "sanic.access"


def with_api_token(argv: list[str], token: str) -> list[str]:
    """`argv` of `rasa run` with the HTTP API enabled behind `token`.

    The token is joined to its option (`--auth-token=...`): a generated token may begin with
    "-", which argparse would otherwise read as an option and refuse the start.
    """
    if argv[1:2] != ["run"] or not token:
        return argv
    return [*argv, "--enable-api", f"--auth-token={token}"]


class WithoutQueryString(logging.Filter):
    """Cuts the query string (`?token=...`) off the request line of an access-log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, str) and "?" in request:
            record.request = request.split("?", 1)[0] + "?..."
        return True


def hide_query_strings() -> None:
    """Filters Sanic's access log; a logger's filters survive Rasa's and Sanic's logging set-up."""
    logging.getLogger(ACCESS_LOGGER).addFilter(WithoutQueryString())


def hide_traceback_locals() -> None:
    """Rasa's JSON log renders an exception with every frame's local variables, and a failed turn's
    frames hold the tracker database's DSN (its first 80 characters: the start of the password).
    The stack stays in the log; the local variables go. Called before Rasa configures its logging."""
    import structlog
    from structlog.tracebacks import ExceptionDictTransformer

    without_locals = structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
    structlog.processors.dict_tracebacks = without_locals


def speed_up_serving() -> None:
    """Replace some of Rasa's per-turn costs with equivalent cheaper code (each module says why)."""
    from bot import (
        action_connection,
        action_response,
        action_window,
        prediction_states,
        rule_keys,
        state_log_formatting,
        tracker_replay,
    )

    prediction_states.install()  # the policies' states computed once per event, not once per prediction
    rule_keys.install()  # the rule policy's walk back through the states stops where no rule reaches
    action_response.install()  # the action server's answers checked against a schema checked once
    action_window.install()  # the action server gets the events of the last user messages, not the session's
    action_connection.install()  # action calls over kept connections, not a new session and connection each
    tracker_replay.install()  # tracker copies, rebuilds and applied events go on from a replay, not from the start
    state_log_formatting.install()  # the rule policy's debug log of all states formatted only for debug logging


def main() -> None:
    hide_query_strings()
    hide_traceback_locals()
    sys.argv = with_api_token(sys.argv, os.environ.pop("HARMONY_RASA_TOKEN", ""))
    if sys.argv[1:2] == ["run"]:
        speed_up_serving()
        from bot import tracker_store_failures

        tracker_store_failures.install()  # a database that fails fails the turn, never answers from memory
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
