"""Small pieces the wire-level guards share: the process's file limit, and a log that says a
refusal once per address per minute (the settings reach the protocols on `config.PlaygroundConfig`)."""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import OrderedDict
from pathlib import Path

logger = logging.getLogger("uvicorn.error")  # where uvicorn logs, in its format and level


def raise_file_limit() -> tuple[int, int]:
    """Raise the soft limit on open files to the hard one: every connection is a file, and the
    soft default (often 1024) is far below what one event loop can hold. Returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # a hard limit of "unlimited" some kernels refuse as soft
            pass
    return soft, hard


FDS_PER_CONNECTION = 2  # the client's socket, and what serving it may open: a file, the lab target, Redis
RESERVED_FDS = 64  # the process's own: the listening socket, logs, the Redis pools, the lab target


def connections_the_file_limit_allows(soft_limit: int) -> int | None:
    """How many connections fit under a soft file limit; None when it is unlimited. Past it,
    accept() fails with EMFILE: the server goes dark, /healthz included."""
    if soft_limit == resource.RLIM_INFINITY or soft_limit < 0:
        return None
    return max(1, (soft_limit - RESERVED_FDS) // FDS_PER_CONNECTION)


FD_FOLDER = Path("/proc/self/fd")  # Linux: one entry per open descriptor of this process
FD_MARGIN = 8  # this close to the limit, accept() is about to fail (or failing already)


def count_open_files() -> int | None:
    """This process's open descriptors; None where they cannot be listed. /proc is the kernel's
    memory, not a disk: listing it does not block the loop the way a file read can."""
    try:
        return sum(1 for _ in FD_FOLDER.iterdir())
    except OSError:
        return None


async def watch_file_limit(interval: float = 1.0) -> None:
    """Say so, once a minute, while the process is at its open-file limit. uvloop drops a failed
    accept() without a word and asyncio reports each retry (hundreds of lines a second, throttled
    by `QuietRefusals`): without this, a server at its limit goes dark and nothing is logged."""
    if count_open_files() is None:
        return  # not Linux: nothing cheap to count with
    log = OncePerInterval()
    while True:
        await asyncio.sleep(interval)
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft == resource.RLIM_INFINITY:
            continue
        open_files = count_open_files()
        if open_files is None:  # EMFILE: listing the folder takes a descriptor too, and there is none
            open_files = soft
        if open_files >= soft - FD_MARGIN:
            log.warning(
                "fd-limit",
                "%d files open of a limit of %d: new connections cannot be accepted (raise ulimit -n, "
                "or lower --max-connections)",
                open_files,
                soft,
            )


class OncePerInterval:
    """Log a refusal at most once per key (a client address) per interval: a client cannot turn
    its own refusals into a flood of log lines. The keys remembered are capped (LRU)."""

    def __init__(self, interval: float = 60.0, max_keys: int = 4096) -> None:
        self.interval = interval
        self.max_keys = max_keys
        self._last: OrderedDict[str, float] = OrderedDict()

    def should_log(self, key: str) -> bool:
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            return False
        self._last[key] = now
        self._last.move_to_end(key)
        while len(self._last) > self.max_keys:
            self._last.popitem(last=False)
        return True

    def warning(self, key: str, message: str, *args: object) -> None:
        if self.should_log(key):
            logger.warning(message + " (more from %s in the next %g s are not logged)", *args, key, self.interval)


INVALID_REQUEST = "Invalid HTTP request received."  # uvicorn's line, both parsers, per garbage head
ACCEPT_FAILED = "socket.accept() out of system resource"  # asyncio's line, per accept retry at EMFILE


class QuietRefusals(logging.Filter):
    """Drop the lines uvicorn and websockets write for each refused websocket handshake
    ("WebSocket /ws/echo" 403, "connection rejected (403 Forbidden)"): the guard logs its own,
    once per address per minute. Accepted handshakes still log as before.

    uvicorn's "Invalid HTTP request received." comes before any guard and without the client's
    address (2,689 lines/s from one client): it passes once a minute, saying so."""

    def __init__(self) -> None:
        super().__init__()
        self._invalid = OncePerInterval()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(ACCEPT_FAILED):
            return self._invalid.should_log("accept")  # asyncio logs every retry, 100+ a second
        if record.msg == INVALID_REQUEST:
            if not self._invalid.should_log("invalid"):
                return False
            record.msg = f"{INVALID_REQUEST} (more in the next {self._invalid.interval:g} s are not logged)"
            return True
        if record.msg == "connection rejected (%d %s)":
            return False
        if not isinstance(record.msg, str) or '"WebSocket %s"' not in record.msg:
            return True
        if record.msg.endswith('" 403'):  # uvicorn's line for a close before accept
            return False
        status = record.args[-1] if isinstance(record.args, tuple) and record.args else None
        return not (isinstance(status, int) and status >= 400)


_QUIET = QuietRefusals()


def quiet_refusal_logs() -> None:
    """Install the filter (once) on the loggers uvicorn, websockets and asyncio write those lines to."""
    for name in ("uvicorn.error", "asyncio"):
        target = logging.getLogger(name)
        if _QUIET not in target.filters:
            target.addFilter(_QUIET)
