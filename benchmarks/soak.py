"""Soak: a real playground under steady echo load and chat churn for a bounded time, its memory
(RSS) sampled all along, and a verdict: flat or growing.

Echo: a fixed set of clients, each sending a message and reading its echo, over and over.
Chat churn: clients that join a room, say something, read it back, and leave, one after another
across a handful of rooms — every join and leave allocates and frees a member, a seat and a
subscription, which is where a leak would show. Every few cycles one echo client also drops
its connection mid-stream (no close frame), so the server's clean-up path runs too.

The verdict compares the mean RSS of the last quarter of the run with the mean of the second
quarter (the first is warm-up: imports, caches, allocator arenas): growth under 10 % (and under
16 MiB) is "flat". This is a measurement, not a test: nothing here asserts.

Usage: .venv/bin/python benchmarks/soak.py [--seconds 600] [--echo-clients 20] [--chat-clients 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ports import free_port  # noqa: E402

ROOMS = 5


@dataclass
class Counts:
    echoes: int = 0
    joins: int = 0
    chat_messages: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PLAYGROUND_LOG_LEVEL": "warning",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "1000",
        "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "10000",  # every client is 127.0.0.1
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "100000",
        "PLAYGROUND_WS_MESSAGE_BURST": "100000",
        "PLAYGROUND_HTTP_REQUESTS_PER_SECOND": "100000",
        "PLAYGROUND_HTTP_REQUEST_BURST": "100000",
        "PLAYGROUND_CHAT_MAX_ROOMS_PER_IP": str(ROOMS + 1),
        "PLAYGROUND_CHAT_ROOM_MESSAGES_PER_SECOND": "100000",
    }
    return subprocess.Popen([sys.executable, "-m", "playground", "--port", str(port)], cwd=ROOT, env=env)


async def wait_up(base: str) -> None:
    from websockets.asyncio.client import connect

    deadline = time.monotonic() + 30
    while True:
        try:
            async with connect(base + "/ws/echo"):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)  # polling a server process that is still starting


async def echo_client(base: str, number: int, stop: asyncio.Event, counts: Counts) -> None:
    from websockets.asyncio.client import connect

    cycle = 0
    while not stop.is_set():
        cycle += 1
        try:
            async with connect(base + "/ws/echo", compression=None) as ws:
                for seq in range(100):
                    if stop.is_set():
                        return
                    await ws.send(f"{number}:{seq}:" + "x" * 200)
                    await ws.recv()
                    counts.echoes += 1
                    await asyncio.sleep(0.005)
                if cycle % 3 == 0:  # now and then, vanish without a close frame
                    ws.transport.abort()
                    counts.dropped += 1
        except Exception as error:  # counted and shown, the soak goes on
            counts.errors.append(f"echo: {error!r}")
            await asyncio.sleep(0.5)


async def chat_client(base: str, number: int, stop: asyncio.Event, counts: Counts) -> None:
    from websockets.asyncio.client import connect

    while not stop.is_set():
        room = f"soak-{(number + counts.joins) % ROOMS}"
        try:
            async with connect(f"{base}/ws/chat/{room}", compression=None) as ws:
                counts.joins += 1
                await ws.send(json.dumps({"text": f"hello from {number}"}))
                while json.loads(await ws.recv())["type"] != "message":
                    pass
                counts.chat_messages += 1
            await asyncio.sleep(0.05)
        except Exception as error:
            counts.errors.append(f"chat: {error!r}")
            await asyncio.sleep(0.5)


async def soak(seconds: float, echo_clients: int, chat_clients: int) -> None:
    port = free_port()
    server = start_server(port)
    base = f"ws://127.0.0.1:{port}"
    counts = Counts()
    stop = asyncio.Event()
    samples: list[tuple[float, float]] = []
    try:
        await wait_up(base)
        started = time.monotonic()
        print(
            f"soak: {seconds:g} s, {echo_clients} echo clients, {chat_clients} chat clients churning "
            f"{ROOMS} rooms; server pid {server.pid}"
        )
        print(f"{'t (s)':>7} {'RSS MiB':>8} {'echoes':>9} {'joins':>7} {'dropped':>7} {'errors':>6}")
        tasks = [asyncio.create_task(echo_client(base, n, stop, counts)) for n in range(echo_clients)]
        tasks += [asyncio.create_task(chat_client(base, n, stop, counts)) for n in range(chat_clients)]
        interval = max(1.0, seconds / 30)
        while (elapsed := time.monotonic() - started) < seconds:
            samples.append((elapsed, rss_mib(server.pid)))
            print(
                f"{elapsed:>7.0f} {samples[-1][1]:>8.1f} {counts.echoes:>9} {counts.joins:>7} "
                f"{counts.dropped:>7} {len(counts.errors):>6}",
                flush=True,
            )
            await asyncio.sleep(min(interval, seconds - elapsed))
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        samples.append((time.monotonic() - started, rss_mib(server.pid)))
        print(
            f"{samples[-1][0]:>7.0f} {samples[-1][1]:>8.1f} {counts.echoes:>9} {counts.joins:>7} "
            f"{counts.dropped:>7} {len(counts.errors):>6}"
        )
        verdict(samples, counts)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def verdict(samples: list[tuple[float, float]], counts: Counts) -> None:
    quarter = max(1, len(samples) // 4)
    settled = statistics.mean(rss for _, rss in samples[quarter : 2 * quarter])
    last = statistics.mean(rss for _, rss in samples[-quarter:])
    growth = last - settled
    flat = growth < 0.10 * settled and growth < 16
    print(
        f"RSS: {settled:.1f} MiB after warm-up, {last:.1f} MiB at the end "
        f"({growth:+.1f} MiB, {100 * growth / settled:+.1f} %): {'FLAT' if flat else 'GROWING'}"
    )
    print(
        f"{counts.echoes} echoes, {counts.joins} chat joins, {counts.chat_messages} chat messages, "
        f"{counts.dropped} connections dropped without a close, {len(counts.errors)} client errors"
    )
    for error in sorted(set(counts.errors))[:5]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to soak (default 600)")
    parser.add_argument("--echo-clients", type=int, default=20)
    parser.add_argument("--chat-clients", type=int, default=10)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(soak(args.seconds, args.echo_clients, args.chat_clients))


if __name__ == "__main__":
    main()
