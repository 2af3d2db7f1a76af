"""What a chat message may hold (`playground/server/chat_text.py`), and the one refusal that
closes: JSON nested too deeply to parse, which escaped as a traceback per message."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from contextlib import suppress

import pytest
from websockets.asyncio.client import ClientConnection, connect

from playground.server.chat_text import MAX_COMBINING_RUN, TooDeep, parse_chat_message
from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.websocket_client import closed_with


def parsed(text: str) -> str:
    return parse_chat_message(json.dumps({"text": text}), 2000)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("\u200b", "empty"),  # zero-width space only: nothing to see
        (" \u200b\u200d\ufeff\u2060\n", "empty"),
        ("a\x00b", "control character (U+0000)"),
        ("bell\x07", "control character (U+0007)"),
        ("caf\u00e9\x1b[2J", "control character (U+001B)"),
        ("\u202eevil.exe", "bidi control (U+202E)"),
        ("x \u2067hidden\u2069", "bidi control (U+2067)"),
        ("Z" + "\u0301" * 1999, "combining marks"),
        ("\ud800 alone", "unpaired surrogate"),
    ],
)
def test_text_a_chat_does_not_show_is_refused_with_the_reason(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=re.escape(complaint)):
        parsed(text)


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "tab\tand\nnewline",
        "שלום \u200fעולם",  # RLM: a mark right-to-left writers use
        "family: \U0001f468\u200d\U0001f469\u200d\U0001f467",  # joiners build one emoji
        "mi\u200cخواهم",  # ZWNJ inside a Persian word
        "Vi\u1ec7t",
        "e" + "\u0301" * MAX_COMBINING_RUN,
    ],
)
def test_text_people_write_passes_unchanged(text: str) -> None:
    assert parsed(text) == text


def test_deeply_nested_json_is_too_deep_not_a_recursion_error() -> None:
    with pytest.raises(TooDeep):
        parse_chat_message("[" * 20_000 + "]" * 20_000, 2000)


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    site = tmp_path_factory.mktemp("tiny-site")
    (site / "index.html").write_text("<!doctype html><title>tiny</title>")
    with run_playground(free_port(), site, {"PLAYGROUND_LOG_LEVEL": "info"}) as server:
        yield server


@pytest.mark.anyio
async def test_a_message_nested_too_deeply_closes_1008_without_a_traceback(chat_server: LiveServer) -> None:
    url = chat_server.base_url.replace("http://", "ws://") + "/ws/chat/deep"
    async with connect(url) as ws:
        assert json.loads(await ws.recv())["type"] == "welcome"
        await ws.send("[" * 30_000)  # 30 KB: inside the message size limit
        code, reason = await closed_with(ws)
    assert code == 1008, reason
    assert "nested too deeply" in reason
    async with connect(url) as ws:  # a later member: its welcome comes after the close was logged
        assert json.loads(await ws.recv())["type"] == "welcome"
    assert "Traceback" not in chat_server.output(), chat_server.output()[-2000:]


@pytest.fixture(scope="module")
def busy_room_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    site = tmp_path_factory.mktemp("tiny-site")
    (site / "index.html").write_text("<!doctype html><title>tiny</title>")
    with run_playground(free_port(), site, {"PLAYGROUND_CHAT_ROOM_MESSAGES_PER_SECOND": "5"}) as server:
        yield server


@pytest.mark.anyio
async def test_a_room_carries_a_bounded_message_rate_from_all_its_members(busy_room_server: LiveServer) -> None:
    """Hole 6: many sockets into one room, each within its own rate, flooded every reader."""
    url = busy_room_server.base_url.replace("http://", "ws://") + "/ws/chat/busy"
    async with connect(url) as ana, connect(url, local_addr=("127.0.0.2", 0)) as ben:
        for ws in (ana, ben):
            assert json.loads(await ws.recv())["type"] == "welcome"
        for n in range(12):  # 24 in all, inside each sender's own rates; the room takes 10 + 5/s
            await ana.send(json.dumps({"text": f"a{n}"}))
            await ben.send(json.dumps({"text": f"b{n}"}))
        refused = await busy_errors(ana) + await busy_errors(ben)
    assert refused > 0, "every message of the flood was delivered"


async def busy_errors(ws: ClientConnection) -> int:
    """The "room is busy" errors this member got: read until the room has been quiet for 1 s
    (the senders stopped; every answer to them is already on its way)."""
    count = 0
    with suppress(TimeoutError):
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
            count += event["type"] == "error" and "room is busy" in event["detail"]
    return count
