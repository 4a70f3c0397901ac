"""The action server (rasa-sdk) on loopback only, with errors that reveal nothing.

rasa-sdk's own error handler answers a failure with the request body (the whole
tracker: customer messages, e-mails); ours answers with a generic message and logs
the exception without the body.
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from harmony.settings import load_settings

logger = logging.getLogger("harmony.action_server")
ACTIONS_PACKAGE = "bot.actions"


async def _error_without_details(request: Request, exception: Exception) -> HTTPResponse:
    logger.error("action failed: %s", type(exception).__name__)
    return response.json({"error": "the action failed"}, status=500)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s")
    settings = load_settings()
    app = create_app(ACTIONS_PACKAGE, cors_origins=None)
    app.error_handler.add(Exception, _error_without_details)
    logger.info("action server listening on 127.0.0.1:%s", settings.action_port)
    app.run("127.0.0.1", settings.action_port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
