"""Entry point of the Rasa server process (rasa environment, stdlib only here).

The HTTP API token is read from the environment and handed to Rasa inside the
process, so it never appears on a command line (visible to `ps`) or in a log.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    token = os.environ.pop("HARMONY_RASA_TOKEN", "")
    if sys.argv[1:2] == ["run"] and token:
        sys.argv += ["--enable-api", "--auth-token", token]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
