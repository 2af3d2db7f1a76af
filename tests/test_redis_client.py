"""The playground's one Redis client per process (`redis_client`), seen from a real redis-server:
what the rooms, the address limits and the lab's lock hold there together, and that shutdown
lets all of it go."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest
import redis.asyncio as redis

from playground.server.app import create_app
from playground.server.settings import Settings
from tests.ports import free_port
from tests.redis_server import run_redis
from tests.waiting import until

pytestmark = pytest.mark.anyio


async def connections(watcher: redis.Redis) -> int:
    """Clients connected to Redis now, the watcher itself left out."""
    own = await watcher.client_id()
    return sum(1 for client in await watcher.client_list() if int(client["id"]) != own)


async def test_a_playground_process_holds_one_redis_pool(tmp_path: Path) -> None:
    """Issue 19: the rooms, the address limits and the lab's lock each made their own client, so
    one process held three pools (4 connections for the calls below, up to 3 times the bound).
    With one pool, calls made one after another share one connection, beside the subscription."""
    with run_redis(free_port()) as server:
        app = create_app(Settings(site_dir=tmp_path, redis_url=server.url))
        address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.1"
        transport = httpx.ASGITransport(app=app, client=(address, 1))
        watcher = redis.Redis.from_url(server.url, decode_responses=True)
        try:
            async with app.router.lifespan_context(app):
                async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                    assert (await client.get("/snippets/")).status_code == 200  # the address's request token
                    assert (await client.get("/lab/status")).status_code == 200  # is the lab's lock held?
                member, _ = await app.state.rooms.join("lobby", address)  # the chat: subscribe, then a seat
                held = await connections(watcher)
                await app.state.rooms.leave(member)
            # Shutdown closed the client once, after its users: nothing of this process is left.

            async def all_closed() -> bool:
                return await connections(watcher) == 0

            await until(all_closed, deadline_s=5)
        finally:
            await watcher.aclose()
    assert held == 2, f"{held} connections to Redis: the subscription and one for commands expected"
