"""The concurrency lab on a real playground: bounds, the four behaviours, one run at a time,
and the playground itself staying responsive while its target is blocked."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from playground.server.app import create_app
from playground.server.settings import Settings
from tests.live_server import LiveServer, run_playground
from tests.ports import free_port

pytestmark = pytest.mark.anyio


async def lab_run(server: LiveServer, kind: str, requests: int, seconds: float) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
        return await client.post("/lab/run", json={"kind": kind, "requests": requests, "seconds": seconds})


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"kind": "async", "requests": 101, "seconds": 1}, "less than or equal to 100"),
        ({"kind": "async", "requests": 5, "seconds": 6}, "less than or equal to 5"),
        ({"kind": "async", "requests": 0, "seconds": 1}, "greater than or equal to 1"),
        ({"kind": "sleepy", "requests": 5, "seconds": 1}, "'async', 'blocking', 'threadpool' or 'cpu'"),
        ({"kind": "async", "requests": 5}, "Field required"),
    ],
)
async def test_out_of_bounds_runs_are_refused_with_422(
    live_playground: LiveServer, body: dict[str, object], fragment: str
) -> None:
    async with httpx.AsyncClient(base_url=live_playground.base_url) as client:
        response = await client.post("/lab/run", json=body)
    assert response.status_code == 422
    assert fragment in response.text


async def test_async_requests_overlap(live_playground: LiveServer) -> None:
    result = (await lab_run(live_playground, "async", 20, 0.5)).json()
    ends = [t["end"] for t in result["timings"]]
    assert all(t["status"] == 200 for t in result["timings"])
    assert max(ends) < 0.5 * 3, f"20 awaiting requests should finish together, took {max(ends)}"


async def test_blocking_requests_queue_one_after_another(live_playground: LiveServer) -> None:
    result = (await lab_run(live_playground, "blocking", 4, 0.25)).json()
    ends = sorted(t["end"] for t in result["timings"])
    # One loop, blocked 0.25 s per request: they finish a quarter-second apart, never together.
    gaps = [b - a for a, b in zip(ends, ends[1:], strict=False)]
    assert all(gap > 0.15 for gap in gaps), ends
    assert ends[-1] >= 4 * 0.25 * 0.9


async def test_threadpool_runs_in_parallel_threads(live_playground: LiveServer) -> None:
    result = (await lab_run(live_playground, "threadpool", 8, 0.5)).json()
    threads = {t["thread"] for t in result["timings"]}
    assert len(threads) > 1, "def endpoints should spread over the threadpool"
    assert max(t["end"] for t in result["timings"]) < 8 * 0.5 / 2


async def test_one_run_at_a_time_and_the_playground_stays_responsive(live_playground: LiveServer) -> None:
    blocking = asyncio.ensure_future(lab_run(live_playground, "blocking", 6, 0.5))
    async with httpx.AsyncClient(base_url=live_playground.base_url, timeout=5) as client:
        # Wait until the run holds the lab, then ask for a second one and time /healthz.
        deadline = time.monotonic() + 20
        while not (await client.get("/lab/status")).json()["busy"]:
            assert time.monotonic() < deadline, "the blocking run never started"
            await asyncio.sleep(0.01)  # polling a status the server does not push
        second = await client.post("/lab/run", json={"kind": "async", "requests": 1, "seconds": 0.1})
        assert second.status_code == 429, "one place in line per address"
        assert "Retry-After" in second.headers and "in progress" in second.json()["detail"]
        started = time.perf_counter()
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert time.perf_counter() - started < 0.5, "the playground stalled with its lab target"
    result = (await blocking).json()
    assert max(t["end"] for t in result["timings"]) >= 6 * 0.5 * 0.9


# ---- what a hostile or unlucky client can send ------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"kind": "async", "requests": 1e999, "seconds": 1}',
        b'{"kind": "async", "requests": 1, "seconds": NaN}',
        b'{"kind": "async", "requests": 1, "seconds": -Infinity}',
        b'{"kind": "async", "requests": 1, "seconds": Infinity}',
        b'{"kind": "\\ud800", "requests": 1, "seconds": 1}',
        b'{"kind": "async", "requests": "\\udfff", "seconds": 1}',
    ],
)
async def test_unencodable_input_gets_422_not_500(live_playground: LiveServer, raw: bytes) -> None:
    async with httpx.AsyncClient(base_url=live_playground.base_url) as client:
        response = await client.post("/lab/run", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"], "the 422 says what was wrong"


async def test_openapi_schema_shows_the_bounds_from_settings(tmp_path: Path) -> None:
    app = create_app(Settings(site_dir=tmp_path, lab_max_requests=7, lab_max_seconds=2.5))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        schema = (await client.get("/openapi.json")).json()
        refused = await client.post("/lab/run", json={"kind": "async", "requests": 8, "seconds": 1})
    run = schema["components"]["schemas"]["LabRun"]["properties"]
    assert (run["requests"]["minimum"], run["requests"]["maximum"]) == (1, 7)
    assert (run["seconds"]["exclusiveMinimum"], run["seconds"]["maximum"]) == (0, 2.5)
    assert refused.status_code == 422 and "less than or equal to 7" in refused.text


# ---- the target process ------------------------------------------------------------------------


def lab_target_pids(parent: int) -> list[int]:
    """Descendants of `parent` running the lab target, from /proc (Linux, like the CI)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [parent]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            with contextlib.suppress(OSError):
                if b"playground.server.lab_target" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(child)
    return found


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie (exited, waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def exists(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def wait_busy(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 20
    while not (await client.get("/lab/status")).json()["busy"]:
        assert time.monotonic() < deadline, "the run never started"
        await asyncio.sleep(0.01)  # polling a status the server does not push


async def test_a_killed_target_gives_503_is_reaped_and_restarts(live_playground: LiveServer) -> None:
    assert (await lab_run(live_playground, "async", 1, 0.1)).status_code == 200  # the target is up
    (target,) = lab_target_pids(live_playground.process.pid)
    run = asyncio.ensure_future(lab_run(live_playground, "blocking", 10, 0.5))
    async with httpx.AsyncClient(base_url=live_playground.base_url, timeout=5) as client:
        await wait_busy(client)
        os.kill(target, signal.SIGKILL)
        response = await run
        assert response.status_code == 503, response.text
        assert "died" in response.json()["detail"]
        assert not exists(target), "the killed target was left a zombie"
        again = await lab_run(live_playground, "async", 2, 0.1)
        assert again.status_code == 200
        assert all(t["status"] == 200 for t in again.json()["timings"])


async def test_closing_the_request_cancels_the_run(live_playground: LiveServer) -> None:
    long_run = asyncio.ensure_future(lab_run(live_playground, "blocking", 20, 1))
    async with httpx.AsyncClient(base_url=live_playground.base_url, timeout=5) as client:
        await wait_busy(client)
        long_run.cancel()  # closes the connection, as a browser's abort does
        with contextlib.suppress(asyncio.CancelledError):
            await long_run
        deadline = time.monotonic() + 10  # the run would hold the lab 20 s
        while (await client.get("/lab/status")).json()["busy"]:
            assert time.monotonic() < deadline, "the run went on after its client left"
            await asyncio.sleep(0.01)  # polling a status the server does not push
    after = await lab_run(live_playground, "async", 2, 0.1)
    assert after.status_code == 200


async def test_a_timed_out_run_does_not_freeze_the_playground(built_site: Path) -> None:
    # A 1 s deadline against 4 blocking seconds: the run gives up and stops the blocked target.
    # /healthz is asked back to back, so the per-address HTTP rate is raised out of the way.
    settings = {"PLAYGROUND_LAB_DEADLINE": "1", "PLAYGROUND_HTTP_REQUESTS_PER_SECOND": "10000"}
    with run_playground(port=free_port(), site_dir=built_site, extra_env=settings) as server:
        # The target's start-up (a Python process importing FastAPI) is not what is measured.
        assert (await lab_run(server, "async", 1, 0.1)).status_code == 200
        run = asyncio.ensure_future(lab_run(server, "blocking", 4, 1))
        latencies: list[tuple[float, float]] = []  # (when, how long), from the run's start
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            await wait_busy(client)
            begun = time.perf_counter()
            while not run.done():
                started = time.perf_counter()
                assert (await client.get("/healthz")).status_code == 200
                latencies.append((round(started - begun, 2), round(time.perf_counter() - started, 3)))
        result = (await run).json()
        assert result["timed_out"] > 0
        slowest = max(latencies, key=lambda pair: pair[1])
        assert slowest[1] < 0.5, (
            f"/healthz took {slowest[1]:.2f} s at {slowest[0]} s into the run, while the lab "
            f"stopped its target; the five slowest: {sorted(latencies, key=lambda p: -p[1])[:5]}"
        )


async def test_kill_9_of_the_playground_takes_its_target_along(built_site: Path) -> None:
    with run_playground(port=free_port(), site_dir=built_site) as server:
        assert (await lab_run(server, "async", 1, 0.1)).status_code == 200
        (target,) = lab_target_pids(server.process.pid)
        server.process.kill()
        server.process.wait()
        deadline = time.monotonic() + 10
        while running(target):
            assert time.monotonic() < deadline, "the lab target outlived its playground"
            await asyncio.sleep(0.01)  # an orphan's exit is no event we can wait on


@pytest.mark.slow
async def test_runs_take_turns_by_address(tmp_path: Path) -> None:
    """One client re-asking at once cannot starve another: the other's run is next in line."""
    app = create_app(Settings(site_dir=tmp_path))
    order: list[str] = []

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 1234))
        return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=30)

    body = {"kind": "blocking", "requests": 2, "seconds": 0.3}
    try:
        async with client("10.0.0.1") as greedy, client("10.0.0.2") as polite:

            async def greedy_runs() -> None:
                for n in range(3):
                    response = await greedy.post("/lab/run", json=body)
                    assert response.status_code == 200, response.text
                    order.append(f"greedy {n}")

            async def polite_run() -> None:
                await wait_busy(polite)
                assert (await greedy.post("/lab/run", json=body)).status_code == 429, "one place per address"
                response = await polite.post("/lab/run", json=body)
                assert response.status_code == 200, response.text
                order.append("polite")

            await asyncio.gather(greedy_runs(), polite_run())
    finally:
        await app.state.lab_target.stop()
    assert order == ["greedy 0", "polite", "greedy 1", "greedy 2"]
