"""Soak: a real playground under steady echo load and chat churn for a bounded time, its memory
(RSS) sampled all along, and a verdict: flat or growing.

Echo: a fixed set of clients, each sending a message and reading its echo, over and over.
Chat churn: clients that join a room, say something, read it back, and leave, one after another
across a handful of rooms — every join and leave allocates and frees a member, a seat and a
subscription, which is where a leak would show. Every few cycles one echo client also drops
its connection mid-stream (no close frame), so the server's clean-up path runs too.

Hostile clients run alongside, as an attacker's would, and are counted apart: one pipelines
`GET /healthz` requests by the hundred on a socket it does not read (the server must close it),
one sends a request head with `Content-Length: 1000`, one byte of body, then nothing (the server
must answer 408 and close after its body deadline). A well-behaved HTTP client asks `/healthz`
every 100 ms throughout: its latency is what everyone else feels.

With `--redis` (the default when `redis-server` is installed) the playground shares its rooms
and limits through a real redis-server, which is stopped and started again half-way through:
chat joins refused while Redis is down (and for a few seconds after) are counted apart from the
well-behaved clients' errors, which must stay at 0.

The verdict compares the mean RSS of the last quarter of the run with the mean of the second
quarter (the first is warm-up: imports, caches, allocator arenas): growth under 10 % (and under
16 MiB) is "flat". This is a measurement, not a test: nothing here asserts.

Usage: .venv/bin/python benchmarks/soak.py [--seconds 600] [--echo-clients 20] [--chat-clients 10]
                                          [--no-redis]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
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
from tests.redis_server import RedisServer, run_redis  # noqa: E402

ROOMS = 5
RESTART_GRACE_S = 10.0  # after Redis is back, refusals this long after still count as the restart's


@dataclass
class Counts:
    echoes: int = 0
    joins: int = 0
    chat_messages: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)
    during_restart: list[str] = field(default_factory=list)
    healthz_ms: list[float] = field(default_factory=list)
    pipelines_closed: int = 0
    slow_bodies_closed: int = 0
    hostile_not_closed: list[str] = field(default_factory=list)
    restart_window: tuple[float, float] | None = None
    last_refusal_after_stop: float = 0.0

    def error(self, what: str) -> None:
        """A well-behaved client's error; one inside the Redis restart's window is counted apart."""
        window, now = self.restart_window, time.monotonic()
        if window is not None and window[0] <= now <= window[1] + RESTART_GRACE_S:
            self.during_restart.append(what)
            self.last_refusal_after_stop = now - window[0]
        else:
            self.errors.append(what)


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def start_server(port: int, redis_url: str | None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PLAYGROUND_LOG_LEVEL": "warning",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "1000",
        "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "10000",  # every client is 127.0.0.1
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "100000",
        "PLAYGROUND_WS_MESSAGES_PER_SECOND_PER_IP": "100000",
        "PLAYGROUND_WS_MESSAGE_BURST": "100000",
        "PLAYGROUND_HTTP_REQUESTS_PER_SECOND": "100000",
        "PLAYGROUND_HTTP_REQUEST_BURST": "100000",
        "PLAYGROUND_CHAT_MAX_ROOMS_PER_IP": str(ROOMS + 1),
        "PLAYGROUND_CHAT_JOINS_PER_MINUTE_PER_IP": "1000000",  # the churn joins ~140 times a second
        "PLAYGROUND_CHAT_ROOM_MESSAGES_PER_SECOND": "100000",
        **({"PLAYGROUND_REDIS_URL": redis_url} if redis_url else {}),
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
            counts.error(f"echo: {error!r}")
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
            counts.error(f"chat: {error!r}")
            await asyncio.sleep(0.5)


async def healthz_client(port: int, stop: asyncio.Event, counts: Counts) -> None:
    """A well-behaved HTTP client: one `/healthz` every 100 ms on a kept-alive connection."""
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                while not stop.is_set():
                    start = time.perf_counter()
                    writer.write(request)
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                    await reader.readexactly(length)
                    if not head.startswith(b"HTTP/1.1 200"):
                        raise RuntimeError(head.split(b"\r\n")[0].decode())
                    counts.healthz_ms.append((time.perf_counter() - start) * 1000)
                    await asyncio.sleep(0.1)
            finally:
                writer.close()
        except Exception as error:
            counts.error(f"healthz: {error!r}")
            await asyncio.sleep(0.5)


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """Whether the server closes the connection within `seconds` (what it sends first is read
    and dropped)."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not await asyncio.wait_for(reader.read(65536), left):
                return True  # end of stream: the server closed it
    except TimeoutError:
        return False
    except ConnectionError:
        return True  # reset: closed too
    return False


async def pipelining_client(port: int, stop: asyncio.Event, counts: Counts) -> None:
    """Hole 1 of the serving issue: hundreds of pipelined requests, not read for 2 s."""
    flood = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 500
    while not stop.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(flood)
            await asyncio.sleep(2)
            if await closed_within(reader, 10):
                counts.pipelines_closed += 1
            else:
                counts.hostile_not_closed.append("a pipelining connection stayed open 12 s")
        except ConnectionError:
            counts.pipelines_closed += 1  # closed while we were still writing
        finally:
            writer.close()
        await asyncio.sleep(1)


async def slow_body_client(port: int, stop: asyncio.Event, counts: Counts, body_timeout: float = 10.0) -> None:
    """Hole 2: a body announced as 1,000 bytes, one sent, then silence."""
    head = b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nx"
    while not stop.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(head)
            if await closed_within(reader, body_timeout + 5):
                counts.slow_bodies_closed += 1
            else:
                counts.hostile_not_closed.append(f"a slow body stayed open {body_timeout + 5:g} s")
        finally:
            writer.close()


async def restart_redis(redis: RedisServer, at: float, counts: Counts) -> None:
    """Stop Redis `at` seconds in, start it again 2 s later on the same port (empty, as a Redis
    that lost its data)."""
    await asyncio.sleep(at)
    down = time.monotonic()
    counts.restart_window = (down, float("inf"))  # until it is back
    await asyncio.to_thread(redis.stop)
    print(f"  redis-server stopped at {at:.0f} s", flush=True)
    await asyncio.sleep(2)
    await asyncio.to_thread(redis.start)
    counts.restart_window = (down, time.monotonic())
    print(f"  redis-server started again after {time.monotonic() - down:.1f} s", flush=True)


async def soak(seconds: float, echo_clients: int, chat_clients: int, redis: RedisServer | None) -> None:
    port = free_port()
    server = start_server(port, redis.url if redis else None)
    base = f"ws://127.0.0.1:{port}"
    counts = Counts()
    stop = asyncio.Event()
    samples: list[tuple[float, float]] = []
    try:
        await wait_up(base)
        started = time.monotonic()
        print(
            f"soak: {seconds:g} s, {echo_clients} echo clients, {chat_clients} chat clients churning "
            f"{ROOMS} rooms, one /healthz client, one pipelining and one slow-body client; "
            f"{'rooms in Redis, restarted half-way' if redis else 'rooms in memory'}; server pid {server.pid}"
        )
        print(f"{'t (s)':>7} {'RSS MiB':>8} {'echoes':>9} {'joins':>7} {'dropped':>7} {'errors':>6}")
        tasks = [asyncio.create_task(echo_client(base, n, stop, counts)) for n in range(echo_clients)]
        tasks += [asyncio.create_task(chat_client(base, n, stop, counts)) for n in range(chat_clients)]
        tasks += [
            asyncio.create_task(healthz_client(port, stop, counts)),
            asyncio.create_task(pipelining_client(port, stop, counts)),
            asyncio.create_task(slow_body_client(port, stop, counts)),
        ]
        if redis is not None:
            tasks.append(asyncio.create_task(restart_redis(redis, seconds / 2, counts)))
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
        for task in tasks[-4:]:  # the hostile clients and the restart wait on the server: no need
            task.cancel()
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
    if counts.restart_window is not None:
        print(
            f"while Redis restarted (and {RESTART_GRACE_S:g} s after): {len(counts.during_restart)} refusals or "
            f"errors, counted apart; the last {counts.last_refusal_after_stop:.1f} s after Redis stopped"
        )
        for error in sorted(set(counts.during_restart))[:3]:
            print("  during the restart:", error)
    latencies = sorted(counts.healthz_ms)
    if latencies:
        p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
        answers = f"{len(latencies)} answers, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms"
        print(f"/healthz for a well-behaved client: {answers}")
    print(
        f"hostile clients: {counts.pipelines_closed} pipelining connections closed by the server, "
        f"{counts.slow_bodies_closed} slow bodies closed, {len(counts.hostile_not_closed)} left open"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to soak (default 600)")
    parser.add_argument("--echo-clients", type=int, default=20)
    parser.add_argument("--chat-clients", type=int, default=10)
    parser.add_argument("--no-redis", action="store_true", help="rooms in memory, no Redis restart")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        use_redis = not args.no_redis and shutil.which("redis-server") is not None
        redis = stack.enter_context(run_redis(free_port())) if use_redis else None
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(soak(args.seconds, args.echo_clients, args.chat_clients, redis))


if __name__ == "__main__":
    main()
