"""A real `python -m playground` on loopback, started, waited for, and always stopped.

Modelled on uvicorn's own test helper: the server is up when `/healthz` answers, not after a
sleep; it is stopped with SIGINT (uvicorn's graceful path) and killed only if that hangs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.paths import PYTHON, ROOT

STARTUP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    process: subprocess.Popen[str]
    log: IO[str]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


@contextlib.contextmanager
def run_playground(port: int, site_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    env = {
        **os.environ,
        "PLAYGROUND_SITE_DIR": str(site_dir),
        "PLAYGROUND_LOG_LEVEL": "warning",
        **(extra_env or {}),
    }
    # A file, not a pipe: a chatty server can never block on a pipe nobody reads.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the server; closed in finally
    process = subprocess.Popen(
        [PYTHON, "-m", "playground", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log)
        yield LiveServer(base_url=base_url, process=process, log=log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_healthy(base_url: str, process: subprocess.Popen[str], log: IO[str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read()
            raise RuntimeError(f"playground exited with {process.returncode}:\n{output}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.05)  # polling a process we do not control: there is no event to wait on
    raise RuntimeError(f"playground did not answer /healthz within {STARTUP_TIMEOUT_S}s")


@contextlib.contextmanager
def run_static_host(port: int, site_dir: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """The built site on a plain static server that sends no COOP/COEP headers. Another
    loopback address (127.0.0.2) gives a second origin that is not "localhost"."""
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the server; closed in finally
    process = subprocess.Popen(
        [PYTHON, "-m", "http.server", str(port), "--bind", host, "--directory", str(site_dir)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base_url + "/", timeout=1.0).status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the static host did not start")
            time.sleep(0.05)  # polling a process we do not control
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
