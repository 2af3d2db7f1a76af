"""From the generator loop to asyncio's design, in one step: a `Future` and `__await__`.

The generator loop runs every task at every turn, so a task that waits for something has to be
run just to find that it must wait again (polling). asyncio parks it instead: the task awaits a
*future* — a box for a result that is not there yet — and is not run again until the result is
put in the box. `await` works on any object with `__await__`; a future's yields itself out
through the coroutine to the task that drives it, which is how the task learns what to wait on.
"""

from collections import deque
from collections.abc import Callable, Coroutine, Generator
from typing import Any

ready: deque[Callable[[], None]] = deque()  # the loop's queue: callbacks ready to run
steps_run: dict[str, int] = {}


class Future:
    def __init__(self) -> None:
        self.done, self.result, self.callbacks = False, None, []

    def set_result(self, result: Any) -> None:
        self.done, self.result = True, result
        for callback in self.callbacks:
            ready.append(callback)  # wake whoever waits: back into the ready queue

    def __await__(self) -> Generator["Future", None, Any]:
        if not self.done:
            yield self  # up through every `await` to the task: "park me on this future"
        return self.result


class Turn:
    """`await Turn()`: give the other tasks a turn, like `await asyncio.sleep(0)`."""

    def __await__(self) -> Generator[None, None, None]:
        yield None


class Task:
    def __init__(self, name: str, coro: Coroutine[Any, Any, Any]) -> None:
        self.name, self.coro = name, coro
        ready.append(self.step)

    def step(self) -> None:
        steps_run[self.name] = steps_run.get(self.name, 0) + 1
        try:
            waits_on = self.coro.send(None)  # run the coroutine to its next yield
        except StopIteration:
            return
        if waits_on is None:
            ready.append(self.step)  # a turn given away: run again soon
        else:
            waits_on.callbacks.append(self.step)  # parked: not in the queue until the result


async def client(reply: Future) -> None:
    print("client: waits for the reply")
    answer = await reply
    print(f"client: got {answer!r}")


async def server(reply: Future, work: int) -> None:
    for step in range(1, work + 1):
        print(f"server: step {step}")
        await Turn()
    reply.set_result("pong")


async def polling_client(box: dict) -> None:
    """The generator loop's way: look, and if it is not there, take another turn."""
    while "reply" not in box:
        await Turn()
    print(f"polling client: got {box['reply']!r}")


async def polling_server(box: dict, work: int) -> None:
    for _ in range(work):
        await Turn()
    box["reply"] = "pong"


def run() -> None:
    while ready:
        ready.popleft()()


reply = Future()
Task("client", client(reply))
Task("server", server(reply, work=3))
run()
#> client: waits for the reply
#> server: step 1
#> server: step 2
#> server: step 3
#> client: got 'pong'

box: dict = {}
Task("polling client", polling_client(box))
Task("polling server", polling_server(box, work=3))
run()
#> polling client: got 'pong'
print(f"steps run for a client waiting on 3 steps of work: {steps_run['client']} with a future, "
      f"{steps_run['polling client']} polling")
#> steps run for a client waiting on 3 steps of work: 2 with a future, 5 polling
