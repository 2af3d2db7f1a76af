"""The playground serves the built site with isolation headers and answers /healthz."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from playground.server.app import create_app
from playground.server.settings import Settings
from tests.live_server import LiveServer
from tests.paths import PYTHON, ROOT
from tests.site_pages import bundle_chunks, theme_files
from tests.workers import one_member_per_worker, two_workers_on_redis

ISOLATION = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
}


def client_for(settings: Settings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")


@pytest.fixture
def settings(built_site: Path) -> Settings:
    return Settings(site_dir=built_site)


async def fetch(settings: Settings, path: str) -> httpx.Response:
    async with client_for(settings) as client:
        return await client.get(path)


def assert_isolated(response: httpx.Response) -> None:
    for name, value in ISOLATION.items():
        assert response.headers.get(name) == value, f"{name} on {response.url}"


@pytest.mark.anyio
async def test_healthz_answers_ok(settings: Settings) -> None:
    response = await fetch(settings, "/healthz")
    assert (response.status_code, response.text) == (200, "ok")
    assert_isolated(response)


@pytest.mark.parametrize("path", ["/", "/terminology/", "/assets/stylesheets/site.css"])
@pytest.mark.anyio
async def test_site_files_are_served_isolated(settings: Settings, path: str) -> None:
    response = await fetch(settings, path)
    assert response.status_code == 200
    assert_isolated(response)


@pytest.mark.anyio
async def test_missing_page_is_404_and_still_isolated(settings: Settings) -> None:
    response = await fetch(settings, "/no-such-page/")
    assert response.status_code == 404
    assert_isolated(response)


@pytest.mark.anyio
async def test_unbuilt_site_says_how_to_build_it(tmp_path: Path) -> None:
    response = await fetch(Settings(site_dir=tmp_path), "/")
    assert response.status_code == 503
    assert "make serve" in response.text


@pytest.mark.anyio
async def test_openapi_lists_healthz(settings: Settings) -> None:
    assert "/healthz" in (await fetch(settings, "/openapi.json")).json()["paths"]


def test_real_server_serves_site_and_health(live_playground: LiveServer) -> None:
    health = httpx.get(f"{live_playground.base_url}/healthz", timeout=5)
    home = httpx.get(f"{live_playground.base_url}/", timeout=5)
    assert health.status_code == 200 and home.status_code == 200
    assert "Async FastAPI, Live" in home.text
    assert_isolated(home)


@pytest.mark.slow
def test_cli_help_lists_env_variables() -> None:
    result = subprocess.run(
        [PYTHON, "-m", "playground", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "--port" in result.stdout and "PLAYGROUND_PORT" in result.stdout


@pytest.mark.slow
def test_cli_rejects_bad_environment_clearly() -> None:
    result = subprocess.run(
        [PYTHON, "-m", "playground"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PLAYGROUND_PORT": "eighty"},
    )
    assert result.returncode != 0
    assert "PLAYGROUND_PORT: Input should be a valid integer" in result.stderr and "'eighty'" in result.stderr


@pytest.mark.anyio
async def test_sitemap_names_the_origin_the_reader_used(settings: Settings) -> None:
    """Instant navigation follows only links the sitemap lists for this origin."""
    body = (await fetch(settings, "/sitemap.xml")).text
    assert "<loc>http://127.0.0.1/terminology/</loc>" in body
    assert "127.0.0.1:8000" not in body


@pytest.mark.anyio
async def test_pinned_runtime_files_are_immutable_and_pages_revalidate(settings: Settings) -> None:
    wheel = next((settings.site_dir / "runtime" / "compiled").glob("*/fastapi-*.whl"))
    pinned = await fetch(settings, "/" + wheel.relative_to(settings.site_dir).as_posix())
    core = next((settings.site_dir / "runtime").glob("pyodide-*"))
    wasm = await fetch(settings, f"/runtime/{core.name}/pyodide.asm.wasm")
    page = await fetch(settings, "/terminology/")
    manifest = await fetch(settings, "/runtime/manifest.json")
    assert pinned.headers["cache-control"] == wasm.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert page.headers["cache-control"] == manifest.headers["cache-control"] == "no-cache"


@pytest.mark.anyio
async def test_the_themes_hashed_files_are_immutable_and_ours_revalidate(settings: Settings) -> None:
    """The theme names its bundle, stylesheets and search worker by their content's hash, and
    esbuild the chunk our two bundles share; the site's own entries and stylesheets keep their
    names across builds, so they are revalidated."""
    hashed = theme_files(settings.site_dir)
    assert len(hashed) == 4, hashed  # bundle, search worker, main and palette stylesheets
    chunks = bundle_chunks(settings.site_dir)
    assert len(chunks) == 1, chunks
    hashed += chunks
    for path in hashed:
        assert (await fetch(settings, "/" + path)).headers["cache-control"] == "public, max-age=31536000, immutable", (
            path
        )
    for path in [
        "assets/javascripts/runner/main.js",
        "assets/stylesheets/runner.css",
        "assets/javascripts/lunr/min/lunr.de.min.js",
    ]:
        assert (settings.site_dir / path).is_file(), path
        assert (await fetch(settings, "/" + path)).headers["cache-control"] == "no-cache", path


@pytest.mark.anyio
async def test_snippet_index_lists_mounted_server_snippets(settings: Settings) -> None:
    listed = (await fetch(settings, "/snippets/")).json()
    assert {"snippet": "websocket/echo_server.py", "path": "/snippets/websocket/echo_server/", "error": None} in listed


@pytest.mark.anyio
async def test_http_rate_per_address_answers_429_and_others_still_pass(built_site: Path) -> None:
    settings = Settings(site_dir=built_site, http_requests_per_second=1, http_request_burst=3)
    app = create_app(settings)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("10.0.0.1", 1)), base_url="http://127.0.0.1"
        ) as busy,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("10.0.0.2", 1)), base_url="http://127.0.0.1"
        ) as calm,
    ):
        statuses = [(await busy.get("/healthz")).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        refused = await busy.get("/healthz")
        assert refused.headers["retry-after"] == "1" and "too many requests" in refused.json()["detail"]
        assert (await calm.get("/healthz")).status_code == 200


@pytest.mark.anyio
async def test_request_body_over_the_limit_is_413(settings: Settings) -> None:
    async with client_for(settings) as client:
        response = await client.post(
            "/lab/run", content=b"x" * (settings.http_max_body_bytes + 1), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413 and "Content Too Large" in response.text


@pytest.mark.anyio
async def test_chunked_body_over_the_limit_is_413_too(settings: Settings) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b"x" * (settings.http_max_body_bytes // 4)

    async with client_for(settings) as client:
        response = await client.post("/lab/run", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers  # sent chunked
    assert response.status_code == 413 and "Content Too Large" in response.text


@pytest.mark.anyio
async def test_head_healthz_answers(settings: Settings) -> None:
    async with client_for(settings) as client:
        response = await client.head("/healthz")
    assert response.status_code == 200 and response.content == b""


@pytest.mark.anyio
async def test_a_429_carries_cors_and_isolation_headers(built_site: Path) -> None:
    """Guards sit inside CORS and isolation: a cross-origin page sees the 429, not a network error."""
    settings = Settings(site_dir=built_site, http_requests_per_second=1, http_request_burst=1)
    origin = {"origin": "http://localhost:5173"}
    async with client_for(settings) as client:
        await client.get("/healthz", headers=origin)
        refused = await client.get("/healthz", headers=origin)
    assert refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert_isolated(refused)


@pytest.mark.anyio
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example"])
async def test_a_host_not_ours_is_refused(settings: Settings, host: str) -> None:
    async with client_for(settings) as client:
        response = await client.get("/healthz", headers={"host": host})
    assert response.status_code == 400


@pytest.mark.anyio
@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:9000"])
async def test_local_hosts_are_served(settings: Settings, host: str) -> None:
    async with client_for(settings) as client:
        response = await client.get("/healthz", headers={"host": host})
    assert response.status_code == 200


@pytest.mark.anyio
async def test_gzip_twin_revalidates_with_304(settings: Settings) -> None:
    core = next((settings.site_dir / "runtime").glob("pyodide-*"))
    path = f"/runtime/{core.name}/pyodide.asm.wasm"
    gzip = {"accept-encoding": "gzip"}
    async with client_for(settings) as client:
        packed = await client.get(path, headers=gzip)
        again = await client.get(path, headers={**gzip, "if-none-match": packed.headers["etag"]})
        plain = await client.get(path, headers={"accept-encoding": "identity"})
        crossed = await client.get(
            path, headers={"accept-encoding": "identity", "if-none-match": packed.headers["etag"]}
        )
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["etag"] != plain.headers["etag"]  # two representations, two validators
    assert again.status_code == 304 and again.headers["cache-control"] == packed.headers["cache-control"]
    assert crossed.status_code == 200  # the gzip ETag does not validate the identity bytes


@pytest.mark.anyio
async def test_metrics_count_responses_and_refusals(built_site: Path) -> None:
    settings = Settings(site_dir=built_site, http_requests_per_second=1, http_request_burst=1)
    app = create_app(settings)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("10.0.0.7", 1)), base_url="http://127.0.0.1"
        ) as busy,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 1)), base_url="http://127.0.0.1"
        ) as scraper,
    ):
        await busy.get("/healthz")
        assert (await busy.get("/healthz")).status_code == 429
        metrics = await scraper.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    for line in (
        'playground_http_responses_total{status="429"}',
        'playground_refusals_total{reason="http_rate"}',
        "playground_websockets_open",
        "playground_websocket_closes_total",
    ):
        assert line in metrics.text, line


@pytest.mark.anyio
async def test_runtime_is_sent_gzipped_when_the_client_accepts_it(settings: Settings) -> None:
    core = next((settings.site_dir / "runtime").glob("pyodide-*"))
    path = f"/runtime/{core.name}/pyodide.asm.wasm"
    original = (core / "pyodide.asm.wasm").read_bytes()
    async with client_for(settings) as client:
        packed = await client.get(path, headers={"accept-encoding": "gzip"})
        plain = await client.get(path, headers={"accept-encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip" and packed.headers["content-type"] == "application/wasm"
    assert int(packed.headers["content-length"]) < len(original) / 2
    assert packed.content == original  # httpx decodes it: the same bytes arrive
    assert "content-encoding" not in plain.headers and plain.content == original
    assert "Accept-Encoding" in packed.headers["vary"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("http://localhost:5173", True), ("https://docs.example", True), ("https://evil.example", False)],
)
async def test_cross_origin_calls_are_allowed_for_exactly_the_websocket_origins(
    built_site: Path, origin: str, allowed: bool
) -> None:
    settings = Settings(site_dir=built_site, ws_allowed_origins="https://docs.example")
    async with client_for(settings) as client:
        preflight = await client.options(
            "/lab/run",
            headers={
                "origin": origin,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
    assert (preflight.headers.get("access-control-allow-origin") == origin) is allowed


def test_client_buckets_stay_under_their_cap_and_forget_the_least_recent() -> None:
    from playground.server.address_limits import ClientBuckets

    buckets = ClientBuckets(rate=0.001, burst=2, max_clients=100)
    assert buckets.take("10.9.9.9") and buckets.take("10.9.9.9") and not buckets.take("10.9.9.9")
    sizes = set()
    for n in range(20_000):
        buckets.take(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        if n % 50 == 0:
            buckets.take("10.9.9.9")  # kept recent: it is never the one forgotten
        sizes.add(len(buckets))
    assert max(sizes) == 100
    assert not buckets.take("10.9.9.9"), "a recently seen address was forgotten (its bucket refilled)"
    assert "10.0.0.0" not in buckets.buckets  # the first of the flood is long gone


@pytest.mark.slow
def test_cli_exits_non_zero_when_the_server_cannot_start(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [PYTHON, "-m", "playground", "--port", str(port), "--site-dir", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert "address already in use" in result.stderr.lower()


@pytest.mark.anyio
async def test_metrics_add_up_every_worker(built_site: Path) -> None:
    """With --workers 2, whichever worker answers /metrics counts the websockets of both."""
    with two_workers_on_redis(built_site) as server:
        url = server.base_url.replace("http://", "ws://") + "/ws/chat/metrics-test"
        by_worker, spare = await one_member_per_worker(url, 2)
        assert len(by_worker) == 2, "every connection landed in the same worker"
        members = [ws for ws, _ in by_worker.values()] + spare
        answers = set()
        for _ in range(8):  # new connections: the kernel spreads them over both workers
            async with httpx.AsyncClient(base_url=server.base_url) as fresh:
                text = (await fresh.get("/metrics")).text
            answers.add(next(line for line in text.splitlines() if line.startswith("playground_websockets_open")))
        for ws in members:
            await ws.close()
    assert answers == {f"playground_websockets_open {float(len(members))}"}
