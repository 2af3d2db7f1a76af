"""The deployment recipe, end to end: Debian's nginx with deploy/nginx.conf in front of two
playground processes that share one redis-server, all four started here on loopback.

Checked: the site comes from nginx with the playground's headers; a chat message sent through
playground A reaches a member on playground B; a forged X-Forwarded-For is not believed; a Redis
restart is said to every member (1013) and survived (they reconnect, messages flow again); and
killing A leaves B's members untouched."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.live_server import LiveServer, run_playground
from tests.paths import ROOT
from tests.ports import free_port
from tests.redis_server import RedisServer, run_redis
from tests.site_pages import bundle_chunks, theme_files
from tests.websocket_client import next_of

pytestmark = pytest.mark.anyio

TEMPLATE = ROOT / "deploy" / "nginx.conf"


def render(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    unset = [line for line in template.splitlines() if "{{" in line and not line.lstrip().startswith("#")]
    assert not unset, f"placeholders of deploy/nginx.conf left unset: {unset}"
    return template


@contextlib.contextmanager
def run_nginx(prefix: Path, port: int, site_dir: Path, upstreams: list[str]) -> Iterator[str]:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx; .ci/run does)")
    for folder in ("logs", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(
        render(
            TEMPLATE.read_text(),
            listen=f"127.0.0.1:{port}",
            site_dir=str(site_dir),
            playground_a=upstreams[0],
            playground_b=upstreams[1],
        )
    )
    # As root, nginx's workers would switch to an unprivileged user that cannot read the test's files.
    extra = " user root;" if os.geteuid() == 0 else ""
    log = prefix / "logs" / "error.log"  # nginx writes its start-up errors to stderr, then here
    with open(prefix / "stderr.log", "w") as stderr:
        process = subprocess.Popen(
            [binary, "-p", f"{prefix}/", "-c", str(conf), "-g", f"daemon off;{extra}"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                errors = (prefix / "stderr.log").read_text() + (log.read_text() if log.exists() else "")
                raise RuntimeError(f"nginx did not start:\n{errors}")
            time.sleep(0.05)  # polling a process we do not control
        yield base_url
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def members_on(url: str, pids: set[int], per_pid: int = 1) -> dict[int, list[tuple[ClientConnection, str]]]:
    """Join through nginx until each playground process holds `per_pid` members (nginx takes
    turns between them). A join refused while a broker is coming back is retried with backoff."""
    placed: dict[int, list[tuple[ClientConnection, str]]] = {pid: [] for pid in pids}
    delay, deadline = 0.1, time.monotonic() + 15
    while any(len(members) < per_pid for members in placed.values()):
        assert time.monotonic() < deadline, f"could not place members on {pids}: {placed}"
        ws = await connect(url, max_queue=None)
        try:
            welcome = await next_of(ws, "welcome")
        except ConnectionClosed:
            await asyncio.sleep(delay)  # 1013 while the broker is unavailable: back off, retry
            delay = min(delay * 2, 1.0)
            continue
        if len(placed[welcome["worker"]]) < per_pid:
            placed[welcome["worker"]].append((ws, welcome["id"]))
        else:
            await ws.close()
    return placed


async def closed_by_server(ws: ClientConnection) -> tuple[list[dict[str, Any]], int | None, str]:
    """Everything the server sent until it closed, and the close code and reason."""
    events = []
    with contextlib.suppress(ConnectionClosed):
        while True:
            events.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
    return events, ws.close_code, ws.close_reason or ""


async def test_nginx_two_playgrounds_one_redis(built_site: Path, tmp_path: Path) -> None:
    env_common = {
        "PLAYGROUND_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "PLAYGROUND_CHAT_MAX_ROOMS_PER_IP": "1",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "100",
    }
    with contextlib.ExitStack() as stack:
        redis: RedisServer = stack.enter_context(run_redis(free_port()))
        env = {**env_common, "PLAYGROUND_REDIS_URL": redis.url}
        a: LiveServer = stack.enter_context(run_playground(free_port(), built_site, env))
        b: LiveServer = stack.enter_context(run_playground(free_port(), built_site, env))
        upstreams = [s.base_url.removeprefix("http://") for s in (a, b)]
        base = stack.enter_context(run_nginx(tmp_path / "nginx", free_port(), built_site, upstreams))

        # The site, from nginx's disk, with cross-origin isolation and the build's gzip twin.
        async with httpx.AsyncClient() as client:
            page = await client.get(base + "/", headers={"accept-encoding": "gzip"})
            theme = await client.get(f"{base}/{theme_files(built_site)[0]}")
            shared = await client.get(f"{base}/{bundle_chunks(built_site)[0]}")
        assert page.status_code == 200 and "<html" in page.text
        assert page.headers["cross-origin-embedder-policy"] == "require-corp"
        assert page.headers["content-encoding"] == "gzip" and page.headers["cache-control"] == "no-cache"
        assert theme.headers["cache-control"] == "public, max-age=31536000, immutable"  # named by its hash
        assert shared.headers["cache-control"] == theme.headers["cache-control"]  # named by its hash too

        url = base.replace("http://", "ws://") + "/ws/chat/deploy"
        placed = await members_on(url, {a.process.pid, b.process.pid})
        (on_a, a_id), (on_b, _) = placed[a.process.pid][0], placed[b.process.pid][0]
        await on_a.send(json.dumps({"text": "from A"}))
        event = await next_of(on_b, "message")
        assert (event["from"], event["text"]) == (a_id, "from A")

        # The address is nginx's peer, not a header the reader wrote: one room per address here.
        async with connect(
            base.replace("http://", "ws://") + "/ws/chat/another", additional_headers={"X-Forwarded-For": "203.0.113.9"}
        ) as forged:
            _, code, reason = await closed_by_server(forged)
        assert (code, reason) == (1013, "your address is in 1 room already: leave one first")

        # Redis restarts (empty): every member is told and closed with 1013, then all reconnect.
        redis.stop()
        for ws in (on_a, on_b):
            events, code, reason = await closed_by_server(ws)
            assert code == 1013 and "broker unavailable" in reason
            assert events[-1] == {"type": "error", "reason": "broker unavailable", "detail": events[-1]["detail"]}
        redis.start()
        placed = await members_on(url, {a.process.pid, b.process.pid}, per_pid=2)
        (on_a, a_id), (on_b, _) = placed[a.process.pid][0], placed[b.process.pid][0]
        await on_a.send(json.dumps({"text": "after the restart"}))
        assert (await next_of(on_b, "message"))["text"] == "after the restart"

        # A dies without a word; B's members do not notice, and nginx sends newcomers to B.
        a.process.kill()
        a.process.wait()
        (b1, b1_id), (b2, _) = placed[b.process.pid]
        await b1.send(json.dumps({"text": "B still here"}))
        for ws in (b1, b2):
            while (event := await next_of(ws, "message"))["text"] != "B still here":
                pass  # what A sent before it died
            assert event["from"] == b1_id
        async with connect(url) as newcomer:
            assert (await next_of(newcomer, "welcome"))["worker"] == b.process.pid
        for members in placed.values():
            for ws, _ in members:
                await ws.close()
