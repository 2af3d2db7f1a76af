"""An event loop in 25 lines: a queue of ready tasks, run one step at a time.

Each task is a generator; `yield` hands control back to the loop, which is exactly what
`await` on something not ready yet does in asyncio.
"""

from collections import deque
from collections.abc import Generator

Task = Generator[None, None, None]


def worker(name: str, steps: int) -> Task:
    for step in range(1, steps + 1):
        print(f"{name}: step {step}")
        yield  # "I would wait here": give the loop a turn


def run(tasks: list[Task]) -> None:
    ready = deque(tasks)
    while ready:
        task = ready.popleft()
        try:
            next(task)  # run the task until its next yield
        except StopIteration:
            continue  # finished: do not schedule it again
        ready.append(task)


run([worker("A", 2), worker("B", 3)])
#> A: step 1
#> B: step 1
#> A: step 2
#> B: step 2
#> B: step 3
# Predict first: in what order does the tiny loop run the steps of A and B?
