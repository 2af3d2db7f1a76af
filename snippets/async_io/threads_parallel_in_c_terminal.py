"""When threads *do* compute in parallel: C code that releases the GIL.

Two threads of pure-Python arithmetic take turns on the GIL: however many cores the machine has,
they keep about one busy. `hashlib` lets go of the GIL while it hashes more than 2 KiB (so do
zlib, most of numpy, Pillow), and two threads hashing keep two cores busy. (On the free-threaded
build of Python 3.13+, `python3.13t`, pure Python runs in parallel too.) Cores kept busy = the
process's CPU time over the wall time while both threads run: a busy machine shortens the wall
time less than it shares the cores, so the count holds better than a speed-up measured in seconds.
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


def cores_busy(job: Callable[[], None]) -> float:
    """Two threads run ``job`` at once: the process's CPU seconds per wall second meanwhile.
    Measured three times; the least disturbed run (the most cores) is kept."""
    runs = []
    for _ in range(3):
        threads = [threading.Thread(target=job) for _ in range(2)]
        wall, cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        runs.append((time.process_time() - cpu) / (time.perf_counter() - wall))
    return max(runs)


python_cores, hashing_cores = cores_busy(pure_python), cores_busy(hashing)
print(f"2 threads of pure Python keep ~{python_cores:.1f} cores busy")
#> 2 threads of pure Python keep ~1.0 cores busy
print(f"2 threads of hashlib keep ~{hashing_cores:.1f} cores busy")
#> 2 threads of hashlib keep ~2.0 cores busy
print(f"pure Python runs on more than one core at once (over 1.25): {python_cores > 1.25}")
#> pure Python runs on more than one core at once (over 1.25): False
print(f"hashlib runs on more than one core at once (over 1.25): {hashing_cores > 1.25}")
#> hashlib runs on more than one core at once (over 1.25): True
