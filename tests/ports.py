"""Free local ports for the servers the tests start.

The ports come from below the kernel's ephemeral range. A port the kernel picked for us
(bind to port 0) can be handed out again as the local end of any outgoing connection,
for example a readiness check, in the seconds before the server binds it: then the
server fails with "address already in use" (the likely cause of one CI failure,
where the Rasa server exited while starting).
"""

import random
from pathlib import Path

from harmony.launcher.ports import can_listen

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 20000
_handed_out: set[int] = set()


def _first_ephemeral_port() -> int:
    try:
        return int(_EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, not ephemeral, not given before."""
    highest = _first_ephemeral_port() - 1
    if highest <= _LOWEST:
        raise RuntimeError(f"no port range below the ephemeral ports (they start at {highest + 1})")
    for _ in range(1000):
        port = random.randint(_LOWEST, highest)
        if port not in _handed_out and can_listen("127.0.0.1", port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port between {_LOWEST} and {highest}")
