"""Chat across worker processes: the hub and its workers in-process, then a real playground
with two workers where two readers land in different processes and still talk."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from playground.chat_broker import Hub, SharedRooms
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
        by_worker: dict[int, object] = {}
        spare = []
        for _ in range(40):  # the kernel picks the worker: open connections until two differ
            ws = await connect(url)
            welcome = json.loads(await ws.recv())
            if welcome["worker"] in by_worker:
                spare.append(ws)
            else:
                by_worker[welcome["worker"]] = (ws, welcome["id"])
            if len(by_worker) == 2:
                break
        assert len(by_worker) == 2, "every connection landed in the same worker"
        (first, first_id), (second, _) = by_worker.values()
        await first.send(json.dumps({"text": "across processes"}))
        while (event := json.loads(await asyncio.wait_for(second.recv(), 5)))["type"] != "message":
            pass
        assert (event["from"], event["text"]) == (first_id, "across processes")
        for ws in [first, second, *spare]:
            await ws.close()
