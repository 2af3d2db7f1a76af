"""How async code reads a file: it hands the blocking call to a thread and awaits the result.

`anyio.Path`, `anyio.open_file` and Starlette's `FileResponse` do it with AnyIO's threadpool;
`asyncio.to_thread` with asyncio's own executor. Either way the read is an ordinary blocking
`read()`, run on another thread while the loop serves others: a thread hop, not a new kind of I/O.
"""

import asyncio
import tempfile
import threading
from pathlib import Path

import anyio


def which_thread() -> str:
    return "the loop's thread" if threading.current_thread() is threading.main_thread() else "a worker thread"


def read_and_report(path: Path) -> str:
    print(f"  Path.read_text runs on {which_thread()}")
    return path.read_text()


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_text("42 rows")

        text = read_and_report(path)  # called directly: blocks the loop while the disk works
        print(f"plain call: {text!r}")

        text = await asyncio.to_thread(read_and_report, path)
        print(f"asyncio.to_thread: {text!r}")

        text = await anyio.to_thread.run_sync(read_and_report, path)  # what anyio.Path does
        print(f"anyio.to_thread.run_sync: {text!r}")

        text = await anyio.Path(path).read_text()  # the same hop, behind a pathlib-like API
        print(f"anyio.Path.read_text: {text!r}")


asyncio.run(main())
#>   Path.read_text runs on the loop's thread
#> plain call: '42 rows'
#>   Path.read_text runs on a worker thread
#> asyncio.to_thread: '42 rows'
#>   Path.read_text runs on a worker thread
#> anyio.to_thread.run_sync: '42 rows'
#> anyio.Path.read_text: '42 rows'
