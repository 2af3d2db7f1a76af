"""The lab target's process: started on the first run, restarted after it died, stopped without
ever blocking the playground's event loop.

The target is disposable — it holds no state — so stopping it closes its stdin (it exits at end
of file, see `lab_target.exit_when_stdin_closes`) and kills it if it lingers. The same pipe ends
it when the playground dies, even by kill -9: no orphan keeps the port and the CPU.
Everything here is awaited (asyncio's subprocess API reaps the child for us), so a stop that
waits for a process never freezes `/healthz` for everybody else.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time

import httpx
from fastapi import HTTPException

from playground.server.settings import Settings

STOP_GRACE_S = 2.0  # after stdin closes the target exits at once; this only bounds a stuck one


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LabTargetProcess:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: asyncio.subprocess.Process | None = None
        self.base_url = ""
        self.start_lock = asyncio.Lock()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.alive and self.process is not None else None

    async def ensure_running(self) -> str:
        async with self.start_lock:
            if self.alive:
                return self.base_url
            await self.stop()  # a dead one: reap it before starting the next
            port = _free_port()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "playground.server.lab_target",
                "--port",
                str(port),
                "--threadpool-tokens",
                str(self.settings.lab_threadpool_tokens),
                "--exit-with-stdin",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            self.base_url = f"http://127.0.0.1:{port}"
            await self._wait_healthy()
            return self.base_url

    async def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 20
        async with httpx.AsyncClient(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if not self.alive:
                    break
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.base_url}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.05)  # polling a child process: it sends no signal when ready
        await self.stop()
        raise HTTPException(503, "the lab target process did not start")

    async def exited_within(self, seconds: float) -> bool:
        """Whether the target has exited (or does within `seconds`); reaped if so."""
        if self.process is None:
            return True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # not wait_for: 3.11's can lose a cancellation (redis_client)
                await self.process.wait()
        return self.process.returncode is not None

    async def stop(self) -> None:
        """Close the target's stdin, wait briefly, kill it if it is still there; always reaped."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            async with asyncio.timeout(STOP_GRACE_S):
                await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
