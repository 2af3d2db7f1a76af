"""When threads *do* compute in parallel: C code that releases the GIL.

Two threads of pure-Python arithmetic take turns on the GIL: together they use at most one core.
`hashlib` lets go of the GIL while it hashes more than 2 KiB (so do zlib, most of numpy, Pillow),
and two threads hashing use two cores. The measure: CPU seconds used by the process over wall
seconds passed — above 1, two cores were busy at once. (On the free-threaded build of Python
3.13+, `python3.13t`, pure Python runs in parallel too.)
"""

import hashlib
import threading
import time

DATA = bytes(32 * 1024 * 1024)  # 32 MiB


def pure_python() -> None:
    total = 0
    for n in range(2_000_000):
        total += n * n % 7


def hashing() -> None:
    for _ in range(4):
        hashlib.sha256(DATA).digest()


def cores_used(work: object) -> float:
    """Run `work` in two threads at once; CPU time over wall time."""
    threads = [threading.Thread(target=work) for _ in range(2)]  # type: ignore[arg-type]
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


python_cores, hashing_cores = cores_used(pure_python), cores_used(hashing)
print(f"2 threads of pure Python: ~{python_cores:.1f} cores")
#> 2 threads of pure Python: ~1.0 cores
print(f"2 threads of hashlib: ~{hashing_cores:.1f} cores")
#> 2 threads of hashlib: ~1.9 cores
print(f"pure Python in parallel (over 1.2 cores): {python_cores > 1.2}")
#> pure Python in parallel (over 1.2 cores): False
print(f"hashlib in parallel (over 1.2 cores): {hashing_cores > 1.2}")
#> hashlib in parallel (over 1.2 cores): True
