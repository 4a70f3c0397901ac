"""Entry point of the Rasa server process (rasa environment, stdlib only here).

The HTTP API token is read from the environment and handed to Rasa inside the
process, so it never appears on a command line (visible to `ps`) or in a log.
"""

from __future__ import annotations

import os
import sys


def with_api_token(argv: list[str], token: str) -> list[str]:
    """`argv` of `rasa run` with the HTTP API enabled behind `token`.

    The token is joined to its option (`--auth-token=...`): a generated token may begin with
    "-", which argparse would otherwise read as an option and refuse the start.
    """
    if argv[1:2] != ["run"] or not token:
        return argv
    return [*argv, "--enable-api", f"--auth-token={token}"]


def main() -> None:
    sys.argv = with_api_token(sys.argv, os.environ.pop("HARMONY_RASA_TOKEN", ""))
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
