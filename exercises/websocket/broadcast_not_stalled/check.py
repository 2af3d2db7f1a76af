"""A broadcast to a slow client and two fast ones: the fast ones get the message at once, the
broadcast returns in bounded time, and no send is left running."""

import time

from playground.browser.exercise_check import Exercise


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    ex.ran_cleanly(program)
    client_class, broadcast = ex.get("Client"), ex.get("broadcast")
    clients = [client_class("slow", 2.0), client_class("ana", 0.01), client_class("bo", 0.01)]
    took: dict[str, float] = {}

    async def one_broadcast() -> None:
        start = time.perf_counter()
        await broadcast(clients, "news")
        took["broadcast"] = time.perf_counter() - start

    run = await ex.probe(one_broadcast)
    ex.ran_cleanly(run, "The check's broadcast ran")
    late = [
        f"{c.name} got it after {c.received[0][1]:.2f} s" if c.received else f"{c.name} got nothing"
        for c in clients[1:]
    ]
    ex.expect(
        all(c.received and c.received[0][1] < 0.15 for c in clients[1:]),
        "The fast clients get it at once",
        "ana and bo to get 'news' within 0.15 s (their own send takes 0.01 s), whatever the slow client does",
        ", ".join(late),
        ex.line_of(r"for client in clients|await client.send"),
    )
    ex.expect(
        took.get("broadcast", 99) < 0.3,
        "The broadcast returns within 0.3 s",
        "broadcast() to return in bounded time (a timeout per send), not after the slowest client",
        f"it returned after {took.get('broadcast', 0):.1f} s",
        ex.line_of(r"gather|for client in clients"),
    )
    ex.nothing_left_running(run)
    await ex.never_blocks(run)
