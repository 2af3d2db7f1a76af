"""Clients that do not play by the rules, against a real uvicorn on loopback: ping floods,
clients that never read, forged X-Forwarded-For, slow and huge request heads, a crowd of idle
connections, DNS rebinding. Each test is a hole an adversarial run found; each bound is small
here (settings) so it is reached in a second or two."""

from __future__ import annotations

import asyncio
import signal
import socket
import struct
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import httpx
import pytest

from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.waiting import until
from tests.websocket_client import handshake

pytestmark = pytest.mark.anyio

OP_TEXT, OP_CLOSE, OP_PING = 0x1, 0x8, 0x9


def frame(opcode: int, payload: bytes) -> bytes:
    """One masked client frame (RFC 6455 §5.2); the mask is zero, which XORs to the payload."""
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([0x80 | len(payload)])
    elif len(payload) < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
    return head + b"\0\0\0\0" + payload


def address(server: LiveServer) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").split(":")
    return host, int(port)


@asynccontextmanager
async def raw_websocket(server: LiveServer) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """A websocket opened by hand, so the test decides whether it ever reads."""
    reader, writer = await asyncio.open_connection(*address(server))
    writer.write(handshake())
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    try:
        yield reader, writer
    finally:
        writer.transport.abort()


async def fill_until_stuck(writer: asyncio.StreamWriter, payload: bytes) -> None:
    """Send echo messages without reading until the server stops taking them: its send buffer
    and ours are full, so the server's echo is blocked on a send to us."""
    while True:
        writer.write(frame(OP_TEXT, payload))
        try:
            await asyncio.wait_for(writer.drain(), timeout=1.0)
        except (TimeoutError, ConnectionResetError):
            return


async def read_to_end(reader: asyncio.StreamReader) -> bytes:
    """Everything until the server ends the connection (callers bound the wait)."""
    chunks = []
    with suppress(ConnectionResetError):
        while chunk := await reader.read(1 << 16):
            chunks.append(chunk)
    return b"".join(chunks)


async def closes_started(server: LiveServer) -> float:
    """How many websocket closes the server has counted, any code (/metrics): it counts a close
    as the close starts, before it reaches the client."""
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        metrics = (await client.get("/metrics")).text
    return sum(
        float(row.rpartition(" ")[2])
        for row in metrics.splitlines()
        if row.startswith("playground_websocket_closes_total{")
    )


@pytest.fixture(scope="module")
def hostile(built_site: Path) -> Iterator[LiveServer]:
    env = {
        "PLAYGROUND_WS_SEND_TIMEOUT": "5",
        "PLAYGROUND_WS_IDLE_TIMEOUT": "1.5",
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "20",
        "PLAYGROUND_WS_MESSAGE_BURST": "40",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "50",
        "PLAYGROUND_HTTP_REQUEST_BURST": "10000",
        "PLAYGROUND_LOG_LEVEL": "info",
    }
    with run_playground(free_port(), built_site, env) as server:
        yield server


# ---- 1. ping flood ------------------------------------------------------------------------------


async def test_ping_flood_counts_against_the_message_rate(hostile: LiveServer) -> None:
    async with raw_websocket(hostile) as (reader, writer):
        writer.write(frame(OP_PING, b"p" * 100) * 2000)
        with suppress(ConnectionResetError):
            await writer.drain()
        received = await asyncio.wait_for(read_to_end(reader), 10)
    pongs = received.count(b"\x8a\x64")  # FIN+pong, 100-byte payload
    assert pongs < 200, f"{pongs} pongs: pings are not rate limited"
    assert b"\x88" in received and struct.pack("!H", 1008) in received, "no 1008 close frame"


async def test_unsent_bytes_are_bounded_for_a_client_that_never_reads(built_site: Path) -> None:
    env = {
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "1000000",
        "PLAYGROUND_WS_MESSAGE_BURST": "1000000",
        "PLAYGROUND_WS_MAX_UNSENT_BYTES": "65536",
    }
    with run_playground(free_port(), built_site, env) as server:
        async with raw_websocket(server) as (reader, writer):
            dropped = False
            for _ in range(400):  # 400 x 1,000 pings of 125 bytes: 50 MB of pongs if nobody stops it
                try:
                    writer.write(frame(OP_PING, b"p" * 125) * 1000)
                    await asyncio.wait_for(writer.drain(), timeout=5)
                except (ConnectionResetError, BrokenPipeError):
                    dropped = True
                    break
            if not dropped:  # everything went out: the server must have dropped us meanwhile
                await asyncio.wait_for(read_to_end(reader), 5)
        status = Path(f"/proc/{server.process.pid}/status").read_text()  # noqa: ASYNC240 - /proc is in memory
        rss_kib = int(status.split("VmRSS:")[1].split()[0])
    assert rss_kib < 300 * 1024, f"server RSS {rss_kib} KiB after the flood"


# ---- 2. clients that never read -----------------------------------------------------------------


async def test_a_stuck_client_does_not_delay_the_idle_close_of_others(hostile: LiveServer) -> None:
    closes_before = await closes_started(hostile)
    async with raw_websocket(hostile) as (_stuck_reader, stuck):
        await fill_until_stuck(stuck, b"x" * 60_000)

        # Wait until the server is closing the stuck one (a close is counted as it starts), a
        # close that waits (up to the 5 s send deadline) for a client that does not read.
        async def closing() -> bool:
            return await closes_started(hostile) > closes_before

        await until(closing, 10, 0.1)
        async with raw_websocket(hostile) as (reader, _writer):
            started = time.monotonic()
            close = await asyncio.wait_for(reader.readexactly(4), timeout=8)  # we never answer it
            waited = time.monotonic() - started
        assert close[0] == 0x88 and close[2:4] == struct.pack("!H", 1000)
        assert waited < 3.5, f"the idle close came after {waited:.1f} s: it waited for the stuck client's"


async def test_sigterm_finishes_while_a_client_never_reads(built_site: Path) -> None:
    env = {"PLAYGROUND_WS_SEND_TIMEOUT": "3"}
    with run_playground(free_port(), built_site, env) as server:
        async with raw_websocket(server) as (_reader, writer):
            await fill_until_stuck(writer, b"x" * 60_000)
            server.process.send_signal(signal.SIGTERM)
            exited = await asyncio.to_thread(_wait, server, 8.0)
        assert exited, "the server was still running 8 s after SIGTERM"


def _wait(server: LiveServer, timeout: float) -> bool:
    try:
        server.process.wait(timeout=timeout)
    except Exception:  # subprocess.TimeoutExpired
        return False
    return True


# ---- 3. forwarded headers -----------------------------------------------------------------------

STINGY = {"PLAYGROUND_HTTP_REQUESTS_PER_SECOND": "0.5", "PLAYGROUND_HTTP_REQUEST_BURST": "3"}


@pytest.fixture(scope="module")
def stingy(built_site: Path) -> Iterator[LiveServer]:
    """Three requests per address, then one every two seconds; no proxy trusted (the default)."""
    with run_playground(free_port(), built_site, STINGY) as server:
        yield server


async def forged_statuses(server: LiveServer) -> list[int]:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        return [
            (await client.get("/healthz", headers={"x-forwarded-for": f"10.1.0.{n}"})).status_code for n in range(6)
        ]


async def test_x_forwarded_for_from_loopback_is_not_believed_by_default(stingy: LiveServer) -> None:
    """uvicorn's own default trusts 127.0.0.1: any local process could pick its address."""
    assert 429 in await forged_statuses(stingy)


async def test_x_forwarded_for_is_believed_from_a_named_proxy(built_site: Path) -> None:
    with run_playground(free_port(), built_site, {**STINGY, "PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1"}) as server:
        assert 429 not in await forged_statuses(server)


# ---- 6. request heads and connection counts -----------------------------------------------------


@pytest.fixture(scope="module", params=["h11", "httptools"])
def heads(request: pytest.FixtureRequest, built_site: Path) -> Iterator[LiveServer]:
    env = {
        "PLAYGROUND_HTTP": request.param,
        "PLAYGROUND_HTTP_HEADER_TIMEOUT": "1",
        "PLAYGROUND_HTTP_MAX_HEADER_BYTES": "8192",
        "PLAYGROUND_MAX_CONNECTIONS": "100",
        "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "1000",  # every client here is 127.0.0.1
        "PLAYGROUND_HTTP_REQUEST_BURST": "10000",
    }
    with run_playground(free_port(), built_site, env) as server:
        yield server


async def test_a_slow_request_head_is_cut_off(heads: LiveServer) -> None:
    reader, writer = await asyncio.open_connection(*address(heads))
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    started = time.monotonic()
    try:
        await asyncio.wait_for(read_to_end(reader), 5)
    finally:
        writer.transport.abort()
    assert time.monotonic() - started < 4


async def test_a_slow_head_on_a_kept_alive_connection_is_cut_off_too(heads: LiveServer) -> None:
    reader, writer = await asyncio.open_connection(*address(heads))
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert (await reader.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        for _ in range(10):  # a byte every 0.5 s keeps uvicorn's keep-alive timer from firing
            try:
                writer.write(b"G")
                await writer.drain()
                with suppress(TimeoutError):
                    if await asyncio.wait_for(reader.read(1), timeout=0.5) == b"":
                        break
            except (ConnectionResetError, BrokenPipeError):
                break  # closed by the server: what this test wants
        assert time.monotonic() - started < 4
    finally:
        writer.transport.abort()


async def test_an_oversized_request_head_is_refused(heads: LiveServer) -> None:
    reader, writer = await asyncio.open_connection(*address(heads))
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 64_000 + b"\r\n\r\n")
    try:
        received = await asyncio.wait_for(read_to_end(reader), 5)
    finally:
        writer.transport.abort()
    assert received.split(b"\r\n")[0] in (b"HTTP/1.1 431 Request Header Fields Too Large", b"HTTP/1.1 400 Bad Request")


async def test_beyond_the_connection_cap_requests_get_503_and_healthz_still_answers(heads: LiveServer) -> None:
    host, port = address(heads)
    idle: list[socket.socket] = []
    try:
        idle.extend(socket.create_connection((host, port)) for _ in range(300))
        async with httpx.AsyncClient(base_url=heads.base_url, timeout=5) as client:
            healthz = await client.get("/healthz")
            page = await client.get("/")
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(handshake())
        answer = await reader.readuntil(b"\r\n")
        writer.transport.abort()
        assert healthz.status_code == 200
        assert page.status_code == 503
        assert answer.startswith(b"HTTP/1.1 503 "), answer
    finally:
        for sock in idle:
            sock.close()


def test_the_soft_file_limit_is_raised_to_the_hard_one() -> None:
    import resource

    from playground.server.limits import raise_file_limit

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
    try:
        raise_file_limit()
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# ---- 8. handshakes, origins, hosts, bodies ------------------------------------------------------


async def test_websocket_handshakes_count_against_the_http_rate(stingy: LiveServer) -> None:
    statuses = []
    for _ in range(6):
        reader, writer = await asyncio.open_connection(*address(stingy))
        writer.write(handshake())
        statuses.append((await reader.readuntil(b"\r\n")).split()[1])
        writer.transport.abort()
    assert b"429" in statuses, statuses


async def test_refused_origins_do_not_flood_the_log(hostile: LiveServer) -> None:
    for _ in range(20):
        reader, writer = await asyncio.open_connection(*address(hostile))
        writer.write(handshake(headers={"Origin": "https://evil.foreign"}))
        assert b" 403 " in await reader.readuntil(b"\r\n")
        writer.transport.abort()
    async with httpx.AsyncClient(base_url=hostile.base_url) as client:
        await client.get("/healthz")  # a request after them, so their log lines are written
    lines = [
        line
        for line in hostile.output().splitlines()
        if "evil.foreign" in line or '" 403' in line or "rejected" in line or "without completing" in line
    ]
    assert len(lines) <= 1, "\n".join(lines)


async def test_dns_rebinding_host_is_refused(hostile: LiveServer) -> None:
    host, port = address(hostile)
    rebound = f"evil.example:{port}"
    async with httpx.AsyncClient(base_url=hostile.base_url) as client:
        page = await client.get("/healthz", headers={"host": rebound})
    assert page.status_code == 400
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(handshake(host=rebound, headers={"Origin": f"http://{rebound}"}))
    status = await reader.readuntil(b"\r\n")
    writer.transport.abort()
    assert not status.startswith(b"HTTP/1.1 101"), status


async def test_a_static_get_with_a_chunked_body_gets_the_whole_page(hostile: LiveServer) -> None:
    page = hostile.base_url + "/index.html"

    async def body() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"z" * 4096  # 12 KiB: under the 16 KiB body limit

    async with httpx.AsyncClient() as client:
        expected = (await client.get(page)).content
        response = await client.request("GET", page, content=body())
    assert response.status_code == 200 and response.content == expected


async def test_a_static_get_with_an_oversized_chunked_body_gets_413_not_a_cut_off_200(hostile: LiveServer) -> None:
    reader, writer = await asyncio.open_connection(*address(hostile))
    writer.write(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (4096, b"z" * 4096)
    # 20 KiB, over the 16 KiB limit, in one write that the socket buffers hold: the server reads
    # every byte we send, so its close cannot reset the connection under its own answer.
    writer.write(chunk * 5)
    await writer.drain()
    try:
        received = await asyncio.wait_for(read_to_end(reader), 5)
    finally:
        writer.transport.abort()
    assert received.startswith(b"HTTP/1.1 413 "), received[:200]


async def test_a_client_that_leaves_mid_echo_logs_no_traceback(hostile: LiveServer) -> None:
    """A client that sends and closes at once leaves the echo sending into a closing connection:
    an ordinary disconnect, not an ERROR with a traceback (log spam any client could cause)."""
    for _ in range(3):
        for _ in range(10):
            async with raw_websocket(hostile) as (_reader, writer):
                writer.write(b"".join(frame(OP_TEXT, b"x" * 64) for _ in range(30)))
                writer.write(frame(OP_CLOSE, struct.pack("!H", 1000)))
                await writer.drain()
        async with httpx.AsyncClient(base_url=hostile.base_url) as client:
            assert (await client.get("/healthz")).status_code == 200
    assert "Exception in ASGI application" not in hostile.output(), hostile.output()[-3000:]
