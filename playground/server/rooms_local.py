"""Rooms in this process's memory: the default with one process and no Redis.

Every member of every room is in this process, so publishing an event is delivering it, and the
seats are plain dictionaries. With several processes each would count only its own members and
deliver only to them: `rooms_redis` is the store for that.
"""

from __future__ import annotations

from collections import Counter

from playground.server.rooms import Limits, Member, Refused, RoomStore


class LocalRooms(RoomStore):
    def __init__(self, limits: Limits) -> None:
        super().__init__(limits)
        self.seats: dict[str, set[str]] = {}  # room -> member ids admitted
        self.by_address: dict[str, Counter[str]] = {}  # address -> members it has in each room

    async def _admit(self, member: Member) -> list[str]:
        room, limits = member.room, self.limits
        seats = self.seats.get(room)
        if seats is None and len(self.seats) >= limits.max_rooms:
            raise Refused("rooms", limits, room)
        if seats is not None and len(seats) >= limits.max_members:
            raise Refused("full", limits, room)
        held = self.by_address.setdefault(member.address, Counter())
        if room not in held and len(held) >= limits.max_rooms_per_address:
            if not held:
                del self.by_address[member.address]
            raise Refused("address", limits, room)
        held[room] += 1
        seats = self.seats.setdefault(room, set())
        seats.add(member.id)
        return sorted(seats)

    async def _release(self, member: Member) -> None:
        seats = self.seats.get(member.room)
        if seats is None or member.id not in seats:
            return
        seats.discard(member.id)
        if not seats:
            del self.seats[member.room]
        held = self.by_address.get(member.address)
        if held is not None:
            held[member.room] -= 1
            if held[member.room] <= 0:
                del held[member.room]
            if not held:
                del self.by_address[member.address]

    async def _publish(self, room: str, text: str) -> None:
        self.deliver(room, text)

    async def close(self) -> None:
        """Nothing to release: the rooms go with the process."""
