"""Websocket echo: the playground's /ws/echo against a minimal echo server written with the
`websockets` library, side by side in one run, at 1, 10, 100 and 500 concurrent clients.
Two more columns: the same playground app with its hardening off (no websocket or HTTP guard,
uvicorn's own protocols instead of the guarded ones: the "hardening" ratio is its cost), and a
bare ASGI echo on uvicorn (no FastAPI, no limits): how much of the gap is uvicorn's own.
All servers run the same stack (uvicorn's auto: uvloop and httptools when installed).

Each client sends its messages one at a time and waits for each echo (round trip = latency).
Throughput is all echoes divided by the wall time of the level. The clients share the two cores
with the server, so throughput and latency move with whatever else the machine does; the servers'
CPU time per message (read from /proc for each server process: Linux) moves far less, and shows
the per-message cost of each layer (the "cpu µs" columns). Both servers run in their own
process on loopback; the clients run here. Prints a table and the throughput ratio: the median
of the rounds, and the range of the rounds' own ratios, which is the measure of noise (on two
cores one level's ratio moved 0.72-1.02 between runs of a single round).

Usage: .venv/bin/python benchmarks/echo_throughput.py [--messages 8000] [--rounds 5]
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ports import free_port  # noqa: E402

if TYPE_CHECKING:  # the benchmark imports these where it runs them
    from starlette.types import Receive, Scope, Send
    from websockets.asyncio.client import ClientConnection

LEVELS = (1, 10, 100, 500)


async def baseline_server(port: int) -> None:
    from websockets.asyncio.server import ServerConnection, serve

    async def echo(websocket: ServerConnection) -> None:
        async for message in websocket:
            await websocket.send(message)

    async with serve(echo, "127.0.0.1", port, max_size=64 * 1024, compression=None, backlog=1024) as server:
        await server.serve_forever()


async def bare_asgi_echo(scope: Scope, receive: Receive, send: Send) -> None:
    """The least an ASGI app can do to echo: uvicorn's cost without anything of ours."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await receive()
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message.get("text"), "bytes": message.get("bytes")})


def start(kind: str, port: int) -> subprocess.Popen[bytes]:
    if kind == "baseline":
        command = [sys.executable, __file__, "--baseline-server", str(port)]
        env = dict(os.environ)
    elif kind == "unguarded":
        command = [sys.executable, __file__, "--unguarded-server", str(port)]
        env = dict(os.environ)
    elif kind == "uvicorn":
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "echo_throughput:bare_asgi_echo",
            "--app-dir",
            str(Path(__file__).parent),
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--ws-per-message-deflate",
            "false",
        ]
        env = dict(os.environ)
    else:
        command = [sys.executable, "-m", "playground", "--port", str(port), "--log-level", "warning"]
        env = {
            **os.environ,
            "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "1000",
            "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "10000",  # every client is 127.0.0.1
            "PLAYGROUND_WS_MESSAGES_PER_SECOND": "1000000",
            "PLAYGROUND_WS_MESSAGE_BURST": "1000000",
            # 500 handshakes from one address: the HTTP rate counts them too
            "PLAYGROUND_HTTP_REQUESTS_PER_SECOND": "100000",
            "PLAYGROUND_HTTP_REQUEST_BURST": "100000",
        }
    return subprocess.Popen(command, cwd=ROOT, env=env)


def cpu_seconds(pid: int) -> float:
    """The CPU time of a process's threads so far, in ns steps (Linux's /proc/<pid>/task/*/schedstat;
    NaN elsewhere). The ticks of /proc/<pid>/stat (10 ms) are 5 % of a level's server CPU."""
    try:
        return sum(int(stat.read_text().split()[0]) for stat in Path(f"/proc/{pid}/task").glob("*/schedstat")) / 1e9
    except OSError:
        return float("nan")


async def wait_up(url: str) -> None:
    from websockets.asyncio.client import connect

    deadline = time.monotonic() + 30
    while True:
        try:
            async with connect(url):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)  # polling a server process that is still starting


async def level(url: str, clients: int, per_client: int, pid: int) -> tuple[float, list[float], float]:
    """Throughput (round trips per second over the level's wall time), every round trip's time,
    and the server's CPU seconds while the messages went back and forth (handshakes not counted)."""
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    connections = [await connect(url, compression=None) for _ in range(clients)]

    async def client(ws: ClientConnection) -> None:
        payload = "x" * 64
        for _ in range(per_client):
            sent = time.perf_counter()
            await ws.send(payload)
            await ws.recv()
            latencies.append(time.perf_counter() - sent)

    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    await asyncio.gather(*(client(ws) for ws in connections))
    elapsed = time.perf_counter() - started
    cpu_used = cpu_seconds(pid) - cpu_before
    await asyncio.gather(*(ws.close() for ws in connections))
    return len(latencies) / elapsed, latencies, cpu_used


def unguarded_server(port: int) -> None:
    """The playground app without its guards, on uvicorn's stock protocols."""
    import uvicorn

    from playground.server.app import create_app
    from playground.server.http_guard import HttpGuard
    from playground.server.settings import Settings
    from playground.server.ws_guard import WebSocketGuard

    app = create_app(Settings(port=port, log_level="warning"))
    guards: tuple[object, ...] = (WebSocketGuard, HttpGuard)  # middleware classes, as Middleware.cls holds them
    app.user_middleware = [m for m in app.user_middleware if m.cls not in guards]
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", ws_per_message_deflate=False, proxy_headers=False
    )


async def measure(messages: int, rounds: int) -> None:
    servers = {
        "playground": (free_port(), "/ws/echo"),
        "unguarded": (free_port(), "/ws/echo"),
        "baseline": (free_port(), "/"),
        "uvicorn": (free_port(), "/"),
    }
    processes = {name: start(name, port) for name, (port, _) in servers.items()}
    try:
        urls = {name: f"ws://127.0.0.1:{port}{path}" for name, (port, path) in servers.items()}
        for url in urls.values():
            await wait_up(url)
        print(
            f"websocket echo, loopback, 64-byte messages, ~{messages} round trips per level per server, "
            f"{rounds} rounds (median msg/s; p50/p99 over all rounds)"
        )
        print(
            f"{'clients':>7} | {'playground msg/s':>16} {'p50 ms':>7} {'p99 ms':>7} {'cpu µs':>6} | "
            f"{'websockets msg/s':>16} {'p50 ms':>7} {'p99 ms':>7} {'cpu µs':>6} | {'ratio':>5} {'per round':>11} | "
            f"{'unguarded msg/s':>15} {'p99 ms':>7} {'cpu µs':>6} {'hardening':>9} | "
            f"{'bare uvicorn msg/s':>18} {'cpu µs':>6} {'ratio':>5}"
        )
        for clients in LEVELS:
            per_client = max(10, messages // clients)
            rates: dict[str, list[float]] = {name: [] for name in servers}
            latencies: dict[str, list[float]] = {name: [] for name in servers}
            cpu_per_message: dict[str, list[float]] = {name: [] for name in servers}
            for round_ in range(rounds):
                # Rotate which server goes first, so none always meets a warmer (or busier) machine.
                order = ["playground", "baseline", "unguarded", "uvicorn"]
                order = order[(clients + round_) % 4 :] + order[: (clients + round_) % 4]
                for name in order:
                    throughput, measured, cpu_used = await level(urls[name], clients, per_client, processes[name].pid)
                    cpu_per_message[name].append(cpu_used / len(measured) * 1e6)
                    rates[name].append(throughput)
                    latencies[name] += measured
            rate = {name: statistics.median(values) for name, values in rates.items()}
            p50 = {name: percentile(values, 0.5) for name, values in latencies.items()}
            p99 = {name: percentile(values, 0.99) for name, values in latencies.items()}
            cpu = {name: statistics.median(values) for name, values in cpu_per_message.items()}
            # The noise: each round's own ratio (the two servers measured back to back). When the
            # rounds' ratios span 1.0, this machine cannot tell the two apart.
            per_round = [p / b for p, b in zip(rates["playground"], rates["baseline"], strict=True)]
            spread = f"{min(per_round):.2f}-{max(per_round):.2f}"
            p, b, g, u = "playground", "baseline", "unguarded", "uvicorn"
            print(
                f"{clients:>7} | {rate[p]:>16.0f} {p50[p]:>7.2f} {p99[p]:>7.2f} {cpu[p]:>6.1f} | "
                f"{rate[b]:>16.0f} {p50[b]:>7.2f} {p99[b]:>7.2f} {cpu[b]:>6.1f} | "
                f"{rate[p] / rate[b]:>5.2f} {spread:>11} | "
                f"{rate[g]:>15.0f} {p99[g]:>7.2f} {cpu[g]:>6.1f} {rate[p] / rate[g]:>9.2f} | "
                f"{rate[u]:>18.0f} {cpu[u]:>6.1f} {rate[p] / rate[u]:>5.2f}"
            )
        print("ratio: playground throughput / that column's throughput (hardening: guarded / unguarded)")
        print("per round: the lowest and highest ratio of one round (the servers run back to back): the noise")
        print("cpu µs: the server process's CPU time per echoed message (median of the rounds), handshakes not counted")
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGINT)
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def percentile(values: list[float], fraction: float) -> float:
    """In milliseconds, from latencies in seconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per level and server (median kept)")
    parser.add_argument("--baseline-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--unguarded-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.unguarded_server:
        with contextlib.suppress(KeyboardInterrupt):
            unguarded_server(args.unguarded_server)
        return
    if args.baseline_server:
        with contextlib.suppress(KeyboardInterrupt):  # stopped by the benchmark when it is done
            asyncio.run(baseline_server(args.baseline_server))
        return
    if not (ROOT / "site" / "index.html").is_file():
        print("note: the site is not built; the playground serves /ws/echo regardless", file=sys.stderr)
    asyncio.run(measure(args.messages, args.rounds))


if __name__ == "__main__":
    main()
