"""A single-threaded sync server, simulated: one request at a time, in arrival order.

Person 1 asks for a report that waits 0.4s on the database; person 2 only wants the time,
which takes no time at all, but has to wait until person 1 is done.
"""

import time

WORK = {"person 1": 0.4, "person 2": 0.0}


def handle(person: str) -> None:
    time.sleep(WORK[person])  # the sync database driver blocks the only worker


start = time.perf_counter()
for person in WORK:  # both arrived at t=0
    handle(person)
    print(f"{person} answered at {time.perf_counter() - start:.1f}s")
#> person 1 answered at 0.4s
#> person 2 answered at 0.4s
