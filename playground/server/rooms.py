"""Chat rooms: members, admission and fan-out, whatever holds the shared state.

A `RoomStore` is the one interface the chat endpoint talks to: `join`, `leave`, `broadcast`,
`close`. What it does is written here once:

* a member is registered with this process *before* its admission, so it hears its own join;
* each event is stamped and encoded to JSON text once, then handed to every local member's
  bounded outbox without waiting (`deliver`): one slow reader never holds up the others; a member
  whose outbox overflows is ended with 1013;
* refusals read the same whichever store refused (`refusal`).

What differs is where the seats are counted and how an event reaches the other processes: in
this process's memory (`rooms_local.LocalRooms`, the default for one process) or in Redis
(`rooms_redis.RedisRooms`, for several processes or machines). Each store implements the three
hooks `_admit`, `_release` and `_publish`.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.status import WS_1013_TRY_AGAIN_LATER

OUTBOX_SIZE = 256

RefusalKind = Literal["rooms", "full", "address", "broker"]


@dataclass(frozen=True)
class Limits:
    """The caps every store enforces, for all processes that share it."""

    max_rooms: int
    max_members: int
    max_rooms_per_address: int


class Refused(Exception):
    """A join the caps (or a missing broker) do not allow; `str()` is the reason for the client."""

    def __init__(self, kind: RefusalKind, limits: Limits, room: str) -> None:
        self.kind = kind
        super().__init__(refusal(kind, limits, room))


class BrokerUnavailable(Exception):
    """The shared store cannot be reached: nothing was admitted, released or published."""


def refusal(kind: RefusalKind, limits: Limits, room: str) -> str:
    """The close reason a refused client reads (at most 123 bytes, the close frame's room)."""
    return {
        "rooms": f"{limits.max_rooms} rooms are open already: try an existing room",
        "full": f"room {room!r} is full ({limits.max_members} members)",
        "address": f"your address is in {limits.max_rooms_per_address} room"
        f"{'s' if limits.max_rooms_per_address != 1 else ''} already: leave one first",
        "broker": "chat broker unavailable: try again later",
    }[kind]


BROKER_LOST_NOTICE = {
    "type": "error",
    "reason": "broker unavailable",
    "detail": "the chat broker is unavailable: messages sent since may be lost; reconnect later",
}


@dataclass(eq=False)
class Member:
    """One websocket in one room, as this process sees it."""

    id: str
    room: str
    address: str
    outbox: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(OUTBOX_SIZE))
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    end_code: int = 0
    end_reason: str = ""
    last_words: str | None = None  # sent before the close frame, if the client still reads
    seated: bool = False  # admitted: it holds a seat (until then it only listens)

    def deliver(self, text: str) -> None:
        """Queue one event without waiting; a member too far behind is ended, never waited for."""
        if self.ended.is_set():
            return
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self.end(WS_1013_TRY_AGAIN_LATER, f"too slow: more than {OUTBOX_SIZE} messages behind")

    def end(self, code: int, reason: str, last_words: dict[str, Any] | None = None) -> None:
        """Ask the endpoint to close this member (once; the first reason wins)."""
        if self.ended.is_set():
            return
        self.end_code, self.end_reason = code, reason
        self.last_words = encode(last_words) if last_words is not None else None
        self.ended.set()


def encode(event: dict[str, Any]) -> str:
    """JSON text as sent on the wire. Raises ValueError for text that is not valid Unicode (a lone
    surrogate): better refused once here than failing in every member's send."""
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"not valid Unicode: {error.reason}") from None
    return text


class RoomStore(abc.ABC):
    """Rooms for the chat endpoint; subclasses say where seats are counted and events travel."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.local: dict[str, dict[str, Member]] = {}  # who listens in this process
        # When each room with members here last had an event (message, join, leave), on this
        # process's clock: every event reaches `deliver` in every process with members there.
        self.last_event: dict[str, float] = {}

    async def join(self, room: str, address: str) -> tuple[Member, list[str]]:
        """The new member and the ids of everyone in the room; raises `Refused`."""
        member = Member(id=secrets.token_hex(4), room=room, address=address)
        self.local.setdefault(room, {})[member.id] = member  # listening before its join is announced
        try:
            members = await self._admit(member)
            member.seated = True
            await self.broadcast(room, {"type": "join", "id": member.id})
        except BaseException as error:
            self._forget(member)
            if member.seated:  # admitted, but its join could not be announced: give the seat back
                with contextlib.suppress(BrokerUnavailable):  # (else it expires with its time-to-live)
                    await self._release(member)
            if isinstance(error, BrokerUnavailable):
                raise Refused("broker", self.limits, room) from None
            raise
        return member, members

    async def leave(self, member: Member) -> None:
        """Free the seat and announce it. With the broker gone the seat expires on its own."""
        self._forget(member)
        try:
            await self._release(member)
            await self.broadcast(member.room, {"type": "leave", "id": member.id})
        except BrokerUnavailable:
            pass

    async def broadcast(self, room: str, event: dict[str, Any]) -> None:
        """Stamp, encode once, publish to every process. Raises ValueError (invalid text) or
        `BrokerUnavailable`."""
        await self._publish(room, encode({**event, "room": room, "ts": round(time.time(), 3)}))

    def deliver(self, room: str, text: str) -> None:
        """Fan-out in this process: one event to each local member of the room, without waiting."""
        if room in self.local:
            self.last_event[room] = time.monotonic()
        for member in list(self.local.get(room, {}).values()):
            member.deliver(text)

    def quiet_for(self, room: str) -> float:
        """Seconds since the room's last event (0 before its first one reached this process)."""
        last = self.last_event.get(room)
        return 0.0 if last is None else time.monotonic() - last

    def end_all(self, code: int, reason: str, last_words: dict[str, Any] | None = None) -> None:
        for members in list(self.local.values()):
            for member in list(members.values()):
                member.end(code, reason, last_words)

    def _forget(self, member: Member) -> None:
        members = self.local.get(member.room, {})
        members.pop(member.id, None)
        if not members:
            self.local.pop(member.room, None)
            self.last_event.pop(member.room, None)

    @abc.abstractmethod
    async def close(self) -> None:
        """Release what the store holds (connections, tasks), at shutdown."""

    @abc.abstractmethod
    async def _admit(self, member: Member) -> list[str]:
        """Take a seat for the member under `self.limits` (raise `Refused`); the room's ids."""

    @abc.abstractmethod
    async def _release(self, member: Member) -> None:
        """Give the member's seat back."""

    @abc.abstractmethod
    async def _publish(self, room: str, text: str) -> None:
        """Get one encoded event to `deliver` in every process that has members of the room."""
