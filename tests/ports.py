"""A free loopback port, for the servers tests and benchmarks start (uvicorn, redis, nginx).

One helper shared by tests/ and benchmarks/ (benchmarks do not import conftest). The port is
free when asked; a server that binds it a moment later nearly always gets it, and the fixtures
that start servers fail loudly when it did not.
"""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
