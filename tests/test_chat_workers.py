"""Chat across worker processes: the hub and its workers in-process, then a real playground
with two workers where two readers land in different processes and still talk."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from playground.server.chat_broker import Hub, SharedRooms
from tests.conftest import free_port
from tests.live_server import run_playground

pytestmark = pytest.mark.anyio


async def test_two_workers_share_rooms_through_the_hub(tmp_path: Path) -> None:
    hub = Hub(tmp_path / "hub.sock", max_rooms=5, max_members=2)
    serving = asyncio.create_task(hub.serve())
    try:
        while not hub.ready.is_set():
            await asyncio.sleep(0.01)  # the hub's socket appears once it listens
        one, two = SharedRooms(hub.path), SharedRooms(hub.path)
        ana, members = await one.join("lobby")
        ben, members = await two.join("lobby")
        assert sorted(members) == sorted([ana.id, ben.id])
        assert await one.join("lobby") == "room 'lobby' is full (2 members)"  # the limit is global

        await one.broadcast("lobby", {"type": "message", "from": ana.id, "text": "hi ben"})
        seen = [await asyncio.wait_for(ben.outbox.get(), 5) for _ in range(2)]
        assert [e["type"] for e in seen] == ["join", "message"]
        assert seen[1]["text"] == "hi ben" and seen[1]["room"] == "lobby" and isinstance(seen[1]["ts"], float)

        await two.leave("lobby", ben)
        while (event := await asyncio.wait_for(ana.outbox.get(), 5))["type"] != "leave":
            pass
        assert event["id"] == ben.id
        await one.close()
        await two.close()
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving


async def test_real_playground_with_two_workers(built_site: Path) -> None:
    env = {"PLAYGROUND_WORKERS": "2", "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "100"}
    with run_playground(free_port(), built_site, env) as server:
        url = server.base_url.replace("http://", "ws://") + "/ws/chat/workers-test"

        async def join() -> tuple[object, dict]:
            # max_queue=None: these clients read nothing while others join and leave; a bounded
            # queue would stop reading the socket and stall each closing handshake for seconds.
            ws = await connect(url, max_queue=None)
            return ws, json.loads(await ws.recv())

        # The kernel hands each connection to one worker; connecting many at once reaches both,
        # once both have started (the server answered /healthz when the first one had).
        deadline = time.monotonic() + 30
        while True:
            joined = await asyncio.gather(*(join() for _ in range(20)))
            by_worker = {welcome["worker"]: (ws, welcome["id"]) for ws, welcome in joined}
            spare = [ws for ws, welcome in joined if by_worker[welcome["worker"]][0] is not ws]
            if len(by_worker) == 2 or time.monotonic() > deadline:
                break
            await asyncio.gather(*(ws.close() for ws, _ in joined))
            await asyncio.sleep(0.2)  # the second worker is still starting: it sends no signal
        assert len(by_worker) == 2, "every connection landed in the same worker"
        (first, first_id), (second, _) = by_worker.values()
        await first.send(json.dumps({"text": "across processes"}))
        while (event := json.loads(await asyncio.wait_for(second.recv(), 5)))["type"] != "message":
            pass
        assert (event["from"], event["text"]) == (first_id, "across processes")
        await asyncio.gather(*(ws.close() for ws in [first, second, *spare]))
