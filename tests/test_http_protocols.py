"""The HTTP protocols' bounds after the request head (`playground/server/http_protocols.py`),
against a real uvicorn on loopback, with both parsers: pipelined requests a client never reads,
a body that never finishes, a response a client never reads, many connections from one address.
Each bound is small here (settings) so it is reached in a second or two; the site is a
one-page folder, so no test here waits for the full site build."""

from __future__ import annotations

import asyncio
import os
import resource
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tests.live_server import LiveServer, run_playground
from tests.paths import PYTHON, ROOT
from tests.ports import free_port
from tests.waiting import until

pytestmark = pytest.mark.anyio

PAGE = b"<!doctype html><title>tiny</title>" + b"x" * 1024
BIG = 16 * 1024 * 1024  # a file far larger than the socket buffers on both sides


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("tiny-site")
    (site / "index.html").write_bytes(PAGE)
    (site / "big.bin").write_bytes(b"b" * BIG)
    return site


@pytest.fixture(scope="module", params=["h11", "httptools"])
def bounded(request: pytest.FixtureRequest, tiny_site: Path) -> Iterator[LiveServer]:
    env = {
        "PLAYGROUND_HTTP": request.param,
        "PLAYGROUND_HTTP_REQUEST_BURST": "100000",
        "PLAYGROUND_HTTP_REQUESTS_PER_SECOND": "100000",
        "PLAYGROUND_HTTP_MAX_PIPELINED": "8",
        "PLAYGROUND_HTTP_BODY_TIMEOUT": "1",
        "PLAYGROUND_HTTP_SEND_TIMEOUT": "1",
        "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "20",
        "PLAYGROUND_LOG_LEVEL": "info",
    }
    with run_playground(free_port(), tiny_site, env) as server:
        yield server


def address(server: LiveServer) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").split(":")
    return host, int(port)


async def read_to_end(reader: asyncio.StreamReader, deadline_s: float) -> bytes:
    """Everything until the server ends the connection; TimeoutError if it never does."""
    chunks = []
    async with asyncio.timeout(deadline_s):
        with suppress(ConnectionResetError):
            while chunk := await reader.read(1 << 16):
                chunks.append(chunk)
    return b"".join(chunks)


async def test_pipelined_requests_beyond_the_bound_close_the_connection(bounded: LiveServer) -> None:
    """Hole 1: 20,000 back-to-back requests on one socket, never read. uvicorn queues every one
    (its pipeline, or h11's buffer, grew to 1.6 GB in 20 s); the server must close instead."""
    reader, writer = await asyncio.open_connection(*address(bounded))
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    try:
        writer.write(request * 20_000)
        with suppress(ConnectionResetError, BrokenPipeError, TimeoutError):
            await asyncio.wait_for(writer.drain(), timeout=3)
        received = await read_to_end(reader, deadline_s=5)
    finally:
        writer.transport.abort()
    answered = received.count(b"HTTP/1.1 200")
    assert answered < 1000, f"{answered} pipelined requests answered: the queue is not bounded"


async def test_a_few_pipelined_requests_are_all_answered(bounded: LiveServer) -> None:
    """Within the bound, pipelining works as HTTP/1.1 says: every request, in order."""
    reader, writer = await asyncio.open_connection(*address(bounded))
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 4)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        received = await read_to_end(reader, deadline_s=5)
    finally:
        writer.transport.abort()
    assert received.count(b"HTTP/1.1 200") == 5, received


async def test_a_body_that_never_finishes_is_cut_off(bounded: LiveServer) -> None:
    """Hole 2: a POST head with Content-Length: 1000, one body byte, then silence held a
    connection forever (2,048 of them held the server)."""
    reader, writer = await asyncio.open_connection(*address(bounded))
    writer.write(b"POST /lab/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
    started = time.monotonic()
    try:
        received = await read_to_end(reader, deadline_s=5)
    finally:
        writer.transport.abort()
    assert time.monotonic() - started < 4
    assert received.startswith(b"HTTP/1.1 408 "), received[:200]
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"content-length: %d" % len(body) in head, received


async def test_a_slow_but_steady_body_within_the_deadline_is_read(bounded: LiveServer) -> None:
    reader, writer = await asyncio.open_connection(*address(bounded))
    try:
        writer.write(b"POST /lab/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{")
        await writer.drain()
        await asyncio.sleep(0.3)  # the pause under test: shorter than the 1 s body deadline
        writer.write(b"}")
        received = await read_to_end(reader, deadline_s=5)
    finally:
        writer.transport.abort()
    assert not received.startswith(b"HTTP/1.1 408"), received[:200]


async def test_a_response_the_client_never_reads_is_dropped(bounded: LiveServer) -> None:
    """Hole 2: unread downloads held their connections (250 of them 500 fds for over a minute)."""
    host, port = address(bounded)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
    sock.connect((host, port))
    try:
        sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

        async def server_let_go() -> bool:  # the kernel's view of our socket: no event reaches us unread
            return tcp_state(sock) != TCP_ESTABLISHED

        try:
            await until(server_let_go, deadline_s=6, interval_s=0.1)
        except TimeoutError:
            pytest.fail("the unread response still holds its connection after 6 s")
    finally:
        sock.close()


TCP_ESTABLISHED = 1


def tcp_state(sock: socket.socket) -> int:
    """The socket's TCP state (Linux `tcp_info.tcpi_state`): read without reading any data, so
    the server still sees a client that never reads. A reset or a FIN from the server ends it."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]


async def test_connections_from_one_address_beyond_the_cap_get_429(bounded: LiveServer) -> None:
    """Hole 2: one address held every connection the server had."""
    host, port = address(bounded)
    held = [socket.create_connection((host, port)) for _ in range(20)]
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            received = await read_to_end(reader, deadline_s=5)
        finally:
            writer.transport.abort()
        assert received.startswith(b"HTTP/1.1 429 "), received[:200]
    finally:
        for sock in held:
            sock.close()


async def test_garbage_request_heads_do_not_flood_the_log(bounded: LiveServer) -> None:
    """Hole 8: uvicorn logs "Invalid HTTP request received." per garbage head, 2,689 lines/s."""
    for _ in range(30):
        reader, writer = await asyncio.open_connection(*address(bounded))
        writer.write(b"\x16\x03\x01 not http at all\r\n\r\n")
        try:
            assert (await read_to_end(reader, deadline_s=5)).startswith(b"HTTP/1.1 400 ")
        finally:
            writer.transport.abort()
    reader, writer = await asyncio.open_connection(*address(bounded))
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    await read_to_end(reader, deadline_s=5)  # a request after them, so their log lines are written
    writer.transport.abort()
    lines = [line for line in bounded.output().splitlines() if "Invalid HTTP request" in line]
    assert 1 <= len(lines) <= 2, "\n".join(lines[:5]) + f"\n... {len(lines)} lines"


def test_max_connections_is_fitted_to_the_file_limit(tiny_site: Path) -> None:
    """Hole 9: with nofile 300 and the default 2,048 connections, the server accepted until the
    fd limit, then /healthz went dark and nothing was logged. At start it now says so and fits
    the cap to the limit (a connection can take two descriptors)."""
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "playground", "--port", str(port), "--site-dir", str(tiny_site), "--log-level", "info"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (300, 300)),  # one setrlimit
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("Uvicorn running" in line for line in lines):
            line = process.stdout.readline()  # ends: the server prints "Uvicorn running" or exits
            if not line:
                break
            lines.append(line)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)  # reads the rest and closes the pipe
    warning = [line for line in lines if "--max-connections" in line]
    assert warning and "118" in warning[0], "".join(lines)


def test_a_server_at_its_file_limit_says_so(tiny_site: Path) -> None:
    """Hole 9: at the fd limit accept() fails; uvloop says nothing at all (asyncio logs each
    retry), and /healthz went dark with an empty log."""
    port = free_port()
    env = {**os.environ, "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "1000"}
    process = subprocess.Popen(
        [PYTHON, "-m", "playground", "--port", str(port), "--site-dir", str(tiny_site), "--log-level", "info"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100)),  # one setrlimit
    )
    held: list[socket.socket] = []
    lines: list[str] = []
    try:
        assert process.stdout is not None
        while not any("Uvicorn running" in line for line in lines):
            line = process.stdout.readline()  # ends: the server prints "Uvicorn running" or exits
            assert line, "".join(lines)
            lines.append(line)
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(120)]  # the kernel queues the rest
        deadline = time.monotonic() + 15
        while not any("files open" in line for line in lines):
            remaining = deadline - time.monotonic()  # the watch logs within a second or two
            if remaining <= 0 or not select.select([process.stdout], [], [], remaining)[0]:
                break
            lines.append(process.stdout.readline())
    finally:
        for sock in held:
            sock.close()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert any("files open of a limit of 100" in line for line in lines), "".join(lines)
