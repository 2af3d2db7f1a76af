"""What a per-address limit counts under (`playground/server/address_limits.py`)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from playground.server.app import create_app
from playground.server.settings import Settings


def test_ipv6_addresses_count_by_their_64_and_ipv4_as_they_are() -> None:
    from playground.server.address_limits import address_key

    assert address_key("2001:db8::1") == address_key("2001:db8::ffff:1234") == "2001:db8::/64"
    assert address_key("2001:db8:0:1::1") == "2001:db8:0:1::/64"
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key("192.0.2.7") == "192.0.2.7"


@pytest.mark.anyio
async def test_one_64_shares_one_request_burst(tmp_path: Path) -> None:
    """Hole 6: each of the 2^64 addresses of one IPv6 subscriber had a burst of its own."""
    app = create_app(Settings(site_dir=tmp_path, http_requests_per_second=0.01, http_request_burst=3))

    async def status(client: str) -> int:
        transport = httpx.ASGITransport(app=app, client=(client, 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return (await http.get("/snippets/")).status_code

    assert [await status(f"2001:db8::{n}") for n in range(1, 4)] == [200, 200, 200]
    assert await status("2001:db8::ffff") == 429  # the same /64: its burst is spent
    assert await status("2001:db8:0:1::1") == 200  # the next /64 is someone else
