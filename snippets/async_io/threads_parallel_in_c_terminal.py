"""When threads *do* compute in parallel: C code that releases the GIL.

Two threads of pure-Python arithmetic take turns on the GIL: together they are no faster than one
thread doing both jobs in turn. `hashlib` lets go of the GIL while it hashes more than 2 KiB (so
do zlib, most of numpy, Pillow), and two threads hashing use two cores: about twice as fast.
(On the free-threaded build of Python 3.13+, `python3.13t`, pure Python runs in parallel too.)
The speed-up is measured against one thread on the same machine at the same moment, so a busy
machine slows both sides alike.
"""

import hashlib
import threading
import time
from collections.abc import Callable

DATA = bytes(8 * 1024 * 1024)  # 8 MiB


def pure_python() -> None:
    total = 0
    for n in range(500_000):
        total += n * n % 7


def hashing() -> None:
    for _ in range(4):
        hashlib.sha256(DATA).digest()


def in_turn(job: Callable[[], None]) -> float:
    start = time.perf_counter()
    job()
    job()
    return time.perf_counter() - start


def at_once(job: Callable[[], None]) -> float:
    threads = [threading.Thread(target=job) for _ in range(2)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def speed_up(job: Callable[[], None]) -> float:
    """Two jobs one after the other in one thread, against the same two jobs in two threads:
    each measured three times, in turn, and the least disturbed run of each kept."""
    one_thread, two_threads = [], []
    for _ in range(3):
        one_thread.append(in_turn(job))
        two_threads.append(at_once(job))
    return min(one_thread) / min(two_threads)


python_speed_up, hashing_speed_up = speed_up(pure_python), speed_up(hashing)
print(f"2 threads of pure Python: ~{python_speed_up:.1f}x the speed of one thread")
#> 2 threads of pure Python: ~1.2x the speed of one thread
print(f"2 threads of hashlib: ~{hashing_speed_up:.1f}x the speed of one thread")
#> 2 threads of hashlib: ~1.4x the speed of one thread
print(f"pure Python faster in 2 threads (over 1.3x): {python_speed_up > 1.3}")
#> pure Python faster in 2 threads (over 1.3x): False
print(f"hashlib faster in 2 threads (over 1.3x): {hashing_speed_up > 1.3}")
#> hashlib faster in 2 threads (over 1.3x): True
