"""The in-page runner in Debian's Chromium: every runnable block runs and prints what its
snippet records; Stop always works; editing, Reset and the keyboard work; no JSPI is fine."""

from __future__ import annotations

import json
import re
import time
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from playground.browser.needed_wheels import wheels_for
from playground.browser.recorded_output import compare, recorded_lines
from playground.snippets.catalog import Kind, Snippet, discover
from tests.browser import (
    RUN_TIMEOUT_MS,
    Guarded,
    block_for,
    load_page,
    open_page,
    run_block,
    set_code,
    skip_predictions,
    stdout_of,
    wait_running,
    wait_settled,
)
from tests.live_server import LiveServer
from tests.page_runs import runner_frames
from tests.paths import DOCS, ROOT, SNIPPETS
from tests.site_pages import page_of
from tests.snippet_runs import prints_durations

# In page order: the shared tab goes to each page once (12 loads of Python and its wheels, not 25).
BROWSER_SNIPPETS = sorted(
    (s for s in discover(SNIPPETS) if s.kind in (Kind.BROWSER, Kind.CLIENT)), key=lambda s: page_of(s.relative)
)
# A timed lesson runs in `make test`'s quiet phase (tests/snippet_runs.py: prints_durations).
IN_PAGE_RUNS = [pytest.param(s, marks=pytest.mark.alone) if prints_durations(s) else s for s in BROWSER_SNIPPETS]


@pytest.mark.parametrize("snippet", IN_PAGE_RUNS, ids=lambda s: s.relative)
def test_block_prints_what_the_snippet_records(
    shared_page: Page, live_playground: LiveServer, snippet: Snippet
) -> None:
    open_page(shared_page, live_playground.base_url, page_of(snippet.relative))
    block = block_for(shared_page, snippet.relative)
    editor_text = shared_page.evaluate(
        "el => el.runnerSource()",
        block.element_handle(),
    )
    assert editor_text == snippet.source().rstrip("\n"), "the editor does not hold the snippet's source"
    assert block.locator(":scope > pre").is_hidden(), "the static copy of the code still shows beside the editor"
    state = run_block(shared_page, block)
    output = block.locator(".runner__output").inner_text()
    assert state == "ok", f"{snippet.relative} ended {state}:\n{output}"
    comparison = compare(recorded_lines(snippet.source()), stdout_of(block))
    assert comparison.ok, f"{snippet.relative} in the browser:\n{comparison.diff}"
    assert block.get_attribute("data-runner-verdict") == "match", "the page's own check disagrees"


STOPPABLE = {
    "cpu loop": "n = 0\nwhile True:\n    n += 1\n",
    "time.sleep": "import time\nprint('sleeping', flush=True)\ntime.sleep(3600)\n",
    "await sleep": (
        "import asyncio\n\n\nasync def main():\n    print('waiting', flush=True)\n"
        "    await asyncio.sleep(3600)\n\n\nasyncio.run(main())\n"
    ),
    # Timers keep firing into Python while it awaits: an interrupt must not land in the loop.
    "await loop": (
        "import asyncio\n\n\nasync def main():\n    while True:\n        await asyncio.sleep(0.2)\n"
        "        print('tick')\n\n\nasyncio.run(main())\n"
    ),
    "gather of endless tasks": (
        "import asyncio\n\n\nasync def forever(i):\n    while True:\n        await asyncio.sleep(0.05 * (i + 1))\n\n\n"
        "async def main():\n    await asyncio.gather(*(forever(i) for i in range(5)))\n\n\nasyncio.run(main())\n"
    ),
}
# What the output must say happened, by how the program was spending its time.
STOP_SAYS = {
    "cpu loop": "KeyboardInterrupt",
    "time.sleep": "KeyboardInterrupt",
    "await sleep": "cancelled",
    "await loop": "cancelled",
    "gather of endless tasks": "cancelled",
}

# Only tasks that start once the snippet runs: the page's own load (Material, layout) has long
# tasks of its own, which a freshly opened page can still be finishing when Run is pressed.
LONG_TASKS = """() => {
  window.__longest = 0;
  window.__pythonRunsFrom = Infinity;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime >= window.__pythonRunsFrom) window.__longest = Math.max(window.__longest, entry.duration);
    }
  }).observe({ type: "longtask" });
}"""

# Resolves after n animation frames: the page's own clock, not a sleep.
FRAMES = """n => new Promise((done) => {
  const tick = () => (--n > 0 ? requestAnimationFrame(tick) : done());
  requestAnimationFrame(tick);
})"""


@pytest.mark.parametrize("name", STOPPABLE.keys())
@pytest.mark.alone  # a 100 ms bound on the page's long tasks: a test on the other core stretches them
def test_stop_interrupts_in_place_and_the_page_stays_responsive(
    shared_page: Page, live_playground: LiveServer, name: str
) -> None:
    code = STOPPABLE[name]
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/tiny_event_loop.py")
    assert page.evaluate("crossOriginIsolated") is True
    starts_before = page.evaluate("asyncFastapiLive.runtime.starts")
    page.evaluate(LONG_TASKS)

    set_code(page, block, code)
    block.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "el => el.dataset.runnerState === 'running' && (window.__pythonRunsFrom = performance.now())",
        arg=block.element_handle(),
        timeout=RUN_TIMEOUT_MS,
    )
    # While Python runs, the page keeps drawing: 30 frames go by (half a second at 60 Hz, the
    # window the long-task observer measures), and Python is still running after them.
    page.evaluate(FRAMES, 30)
    assert block.get_attribute("data-runner-state") == "running"
    block.get_by_role("button", name="Stop", exact=True).click()
    state = wait_settled(page, block)

    output = block.locator(".runner__output").inner_text()
    assert state == "stopped", output
    assert "Stopped" in output and STOP_SAYS[name] in output, output
    assert "not cross-origin isolated" not in output, "the page is isolated: the message must not say otherwise"
    assert page.evaluate("asyncFastapiLive.runtime.starts") == max(starts_before, 1), "Stop replaced the worker"
    longest = page.evaluate("window.__longest")
    assert longest < 100, f"a main-thread task took {longest} ms while Python ran"

    block.get_by_role("button", name="Reset").click()
    assert run_block(page, block) == "ok"
    assert stdout_of(block).startswith("A: step 1")


def test_edit_run_and_reset(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print(sum(range(10)))\nraise ValueError('boom')\n")
    assert run_block(page, block) == "error"
    assert stdout_of(block) == "45\n"
    stderr = "".join(block.locator('[data-stream="stderr"]').all_text_contents())
    assert "ValueError: boom" in stderr
    assert not runner_frames(stderr), "the traceback shows the runner's own frames"

    block.get_by_role("button", name="Reset").click()
    text = page.evaluate("el => el.runnerSource()", block.element_handle())
    assert text == (SNIPPETS / "terminology/coroutine_object.py").read_text().rstrip("\n")

    block.get_by_role("button", name="Clear output").click()
    assert block.locator(".runner__output").is_hidden()


def test_page_says_when_output_differs_from_the_recorded_lines(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print('hello, Ada')\n#> hello, Grace\n")
    assert run_block(page, block) == "ok"
    assert block.get_attribute("data-runner-verdict") == "differ"
    output = block.locator(".runner__output").inner_text()
    assert "-#> hello, Grace" in output and "+#> hello, Ada" in output
    block.get_by_role("button", name="Reset").click()


def test_ctrl_enter_runs_from_the_editor(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print('from the keyboard')\n")
    page.keyboard.press("Control+Enter")
    assert wait_settled(page, block) == "ok"
    assert stdout_of(block) == "from the keyboard\n"
    block.get_by_role("button", name="Reset").click()


def test_run_pressed_from_the_editor_stays_under_the_pointer(shared_page: Page, live_playground: LiveServer) -> None:
    """Pressing Run moves the focus out of the editor at mousedown; nothing may move then, or the
    mouseup lands elsewhere and there is no click (the editing hint's line used to vanish)."""
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print('pressed from the editor')\n")  # the editor has the focus
    run = block.get_by_role("button", name="Run", exact=True)
    box = run.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")  # layout
    assert run.bounding_box() == box, "Run moved when the editor lost the focus"
    page.mouse.up()
    assert wait_settled(page, block) == "ok"
    assert stdout_of(block) == "pressed from the editor\n"
    block.get_by_role("button", name="Reset").click()


def test_nothing_loads_before_intent_and_progress_shows(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_playground.base_url + "/terminology/", wait_until="networkidle")
    assert not [u for u in requested if "/runtime/pyodide-" in u or "/runtime/compiled/" in u]
    # Not block_for: its pointer over the block warms Python, and on a busy machine the download
    # could end while the editor is made, before the click (the progress this test waits for
    # was then never shown: a 90 s timeout in make test). The click is the pointer's arrival too.
    block = page.locator(".runner", has=page.locator(".filename", has_text="terminology/coroutine_object.py"))
    block.wait_for(state="attached")
    skip_predictions(page, block)
    block.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "el => el.dataset.runnerState === 'loading' && /MB/.test(el.querySelector('.runner__status').textContent)",
        arg=block.element_handle(),
        timeout=RUN_TIMEOUT_MS,
    )
    assert wait_settled(page, block) == "ok"
    assert guard.refused == []
    # The site's modules come bundled (playground/runtime/scripts.py): the page's two entries and
    # Python's worker are the only ones asked for, the modules they import are inside them.
    modules = {
        urlsplit(url).path.removeprefix("/assets/javascripts/")
        for url in requested
        if re.search(r"/assets/javascripts/(runner|widgets|exercises)/", url)
    }
    assert modules == {"runner/main.js", "widgets/main.js", "runner/worker.js"}


def test_runtime_stays_warm_across_instant_navigation(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    assert run_block(page, block_for(page, "terminology/coroutine_object.py")) == "ok"
    starts = page.evaluate("asyncFastapiLive.runtime.starts")
    page.get_by_role("link", name="Async I/O", exact=True).first.click()
    page.wait_for_url("**/async-io/")
    block = block_for(page, "async_io/event_loop_server_sim.py")
    assert page.evaluate("asyncFastapiLive.runtime.state") == "ready"
    assert run_block(page, block) == "ok"
    assert page.evaluate("asyncFastapiLive.runtime.starts") == starts
    for runner in page.locator(".runner").all():  # each editor is made when the reader reaches for it
        runner.dispatch_event("pointerenter")
        runner.locator(".cm-editor").wait_for()
    assert page.locator(".runner").count() == page.locator(".md-content .cm-editor").count()


# Untimed snippets (asyncio.run, sleeps, a TaskGroup; a dependency with yield): this runs in the
# parallel phase, where printed durations can stretch past their tolerance.
@pytest.mark.parametrize(
    "relative", ["terminology/taskgroup_fails_together.py", "dependency_injection/yield_cleanup.py"]
)
def test_asyncio_run_works_without_jspi(guarded: Guarded, live_playground: LiveServer, relative: str) -> None:
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    page.goto(f"{live_playground.base_url}{page_of(relative)}?jspi=off")
    block = block_for(page, relative)
    assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
    assert page.evaluate("asyncFastapiLive.runtime.info.jspi") is False
    source = (SNIPPETS / relative).read_text()
    comparison = compare(recorded_lines(source), stdout_of(block))
    assert comparison.ok, comparison.diff


@pytest.mark.parametrize(
    ("path", "relative", "says"),
    [
        (
            "/underneath/loop-and-os/",
            "async_io/selectors_readiness_terminal.py",
            "python snippets/async_io/selectors_readiness_terminal.py",
        ),
        ("/threadpool/", "async_io/threadpool_server.py", "mounted at /snippets/async_io/threadpool_server/"),
    ],
)
def test_blocks_that_do_not_run_here_say_where_they_run(
    shared_page: Page, live_playground: LiveServer, path: str, relative: str, says: str
) -> None:
    open_page(shared_page, live_playground.base_url, path)
    block = shared_page.locator(".highlight", has=shared_page.locator(".filename", has_text=relative))
    assert block.get_by_role("button", name="Run").count() == 0
    note = block.locator("xpath=following-sibling::p[1]")
    assert says in note.inner_text()


def test_a_websocket_client_run_leaves_the_runtime_warm(guarded: Guarded, live_playground: LiveServer) -> None:
    """The socket's close event comes after the snippet ended: it must find Python as it was, and
    the next Run must not load Python again (it did: "Object has already been destroyed")."""
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    load_page(page, live_playground.base_url + "/websockets/")
    block = block_for(page, "websocket/echo_client.py")
    with page.expect_websocket() as opened:
        assert run_block(page, block) == "ok"
    socket = opened.value
    if not socket.is_closed():
        socket.wait_for_event("close")
    assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
    assert page.evaluate("[asyncFastapiLive.runtime.state, asyncFastapiLive.runtime.starts]") == ["ready", 1]
    assert guard.console_errors == []


def test_a_stop_signal_that_reaches_python_before_the_program_ends_the_run(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """Stop sets the interrupt buffer when the worker does not answer at once (it is busy). That
    signal could reach Python before the program's first line (wheels loading, the task not yet
    stepped), where it was ignored: the program then ran on, and the page replaced Python 1.5 s
    later saying the program had caught KeyboardInterrupt (1 in 27 Stops of `while True: pass`).
    Here the test writes the signal itself while the run's wheels are held back: the moment the
    race made, made on purpose."""
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    held: list[Route] = []
    page.route("**/runtime/compiled/**/*.whl", lambda route: held.append(route))
    load_page(page, live_playground.base_url + "/terminology/")
    page.evaluate("asyncFastapiLive.runtime.warm()")
    page.wait_for_function("asyncFastapiLive.runtime.state === 'ready'", timeout=RUN_TIMEOUT_MS)
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "import fastapi\nprint('the program ran')\n")
    with page.expect_request("**/runtime/compiled/**/*.whl"):
        block.get_by_role("button", name="Run", exact=True).click()
    page.evaluate("Atomics.store(asyncFastapiLive.runtime.interrupt, 0, 2)")  # SIGINT, as Stop's timer
    for route in held:
        route.continue_()
    page.unroute("**/runtime/compiled/**/*.whl")
    assert wait_settled(page, block) == "stopped"
    assert stdout_of(block) == ""
    assert "Stopped before the program started" in block.locator(".runner__output").inner_text()
    assert run_block(page, block) == "ok", "the signal leaked into the next run"
    assert page.evaluate("asyncFastapiLive.runtime.starts") == 1


def test_pointing_at_a_block_loads_its_packages_before_run(
    guarded: Guarded, live_playground: LiveServer, built_site: Path
) -> None:
    """The pointer on a FastAPI block loads Python and the block's wheels, and imports them: Run
    then fetches nothing more. (Before, the wheels were fetched only after Run was pressed.)"""
    relative = "dependency_injection/api_key_auth.py"
    runtime = built_site / "runtime"
    where = json.loads((runtime / "manifest.json").read_text())["wheels"]
    needed = wheels_for((SNIPPETS / relative).read_text(), (runtime / "packages.json").read_text(), [])
    wanted = {f"/runtime/{where[name]}" for name in needed}
    assert any("fastapi" in name for name in wanted), wanted
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(urlsplit(request.url).path))
    page.goto(live_playground.base_url + "/dependency-injection/")
    block = block_for(page, relative)  # the pointer enters the block; nothing is clicked
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while not wanted <= set(fetched):
        assert time.monotonic() < deadline, f"not fetched: {wanted - set(fetched)}"
        page.wait_for_event("requestfinished", timeout=RUN_TIMEOUT_MS)
    # Imported too: the worker's queue holds the run until that is done, and the run then takes
    # no package step (its state goes from loading, if at all, straight to running).
    before_run = len(fetched)
    assert run_block(page, block) == "ok"
    assert [path for path in fetched[before_run:] if path.endswith(".whl")] == []
    assert page.evaluate("asyncFastapiLive.runtime.starts") == 1


def test_a_pointer_that_only_passes_over_a_block_loads_none_of_its_packages(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """A reader scrolling with the pointer over the page crosses blocks: Python may start, but a
    block's packages load only for a block the pointer stays on (the one after it, here)."""
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    load_page(page, live_playground.base_url + "/dependency-injection/")
    blocks = page.locator(".runner[data-runner-kind=browser]")
    passed, rested = blocks.nth(0), blocks.nth(1)
    passed.dispatch_event("pointerenter")
    passed.dispatch_event("pointerleave")  # at once: the pointer moved on
    rested.dispatch_event("pointerenter")
    texts = [block.evaluate("el => el.runnerSource()") for block in (passed, rested)]
    assert texts[0] != texts[1]
    page.wait_for_function("text => asyncFastapiLive.runtime.prepared.has(text)", arg=texts[1], timeout=RUN_TIMEOUT_MS)
    assert page.evaluate("[...asyncFastapiLive.runtime.prepared]") == [texts[1]]


# What a slow network holds back while Stop is pressed: the runtime's first file, or the wheels.
HELD_WHILE_LOADING = {"runtime": "**/runtime/manifest.json", "packages": "**/runtime/compiled/**/*.whl"}


@pytest.mark.parametrize("phase", HELD_WHILE_LOADING.keys())
def test_stop_while_python_loads_ends_the_run_before_it_starts(
    guarded: Guarded, live_playground: LiveServer, phase: str
) -> None:
    """Stop during loading used to do nothing: the program ran to its end once loading was done."""
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    held: list[Route] = []
    page.route(HELD_WHILE_LOADING[phase], lambda route: held.append(route))
    load_page(page, live_playground.base_url + "/terminology/")
    if phase == "packages":
        page.evaluate("asyncFastapiLive.runtime.warm()")
        page.wait_for_function("asyncFastapiLive.runtime.state === 'ready'", timeout=RUN_TIMEOUT_MS)
    with page.expect_request(HELD_WHILE_LOADING[phase]):  # held: loading cannot end meanwhile
        block = block_for(page, "terminology/coroutine_object.py")  # the pointer over it warms Python
        set_code(page, block, "import fastapi\nprint('ran')\n")
        block.get_by_role("button", name="Run", exact=True).click()
    expect(block).to_have_attribute("data-runner-state", "loading")
    block.get_by_role("button", name="Stop").click()
    expect(block).to_have_attribute("data-runner-state", "stopped")
    expect(block.locator(".runner__status")).to_have_text("Stopped before the program started.")
    assert "Stopped before the program started" in block.locator(".runner__output").inner_text()

    for route in held:  # the network catches up: loading went on, and the next Run runs at once
        route.continue_()
    page.unroute(HELD_WHILE_LOADING[phase])
    assert run_block(page, block) == "ok"
    assert stdout_of(block) == "ran\n"
    assert page.evaluate("asyncFastapiLive.runtime.starts") == 1


def test_client_snippet_says_how_to_start_a_missing_playground(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    nowhere = "http://127.0.0.1:9"  # the discard port: nothing listens there
    page.goto(f"{live_playground.base_url}/websockets/?playground={nowhere}")
    block = block_for(page, "websocket/echo_client.py")
    assert run_block(page, block) == "error"
    stderr = "".join(block.locator('[data-stream="stderr"]').all_text_contents())
    assert f"the playground did not answer at {nowhere}" in stderr and "make serve" in stderr


def test_a_runtime_that_fails_to_load_says_so_and_run_retries(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    page.route("**/runtime/manifest.json", lambda route: route.abort("connectionrefused"))
    page.goto(live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    assert run_block(page, block) == "error"
    assert "Python could not start" in block.locator(".runner__status").inner_text()
    assert "failed to start" in block.locator(".runner__output").inner_text()

    page.unroute("**/runtime/manifest.json")  # the network is back: Run again just works
    assert run_block(page, block) == "ok"
    assert stdout_of(block).startswith("coroutine")


def test_keyboard_reaches_every_control_and_leaves_the_editor(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url, permissions=["clipboard-read", "clipboard-write"])
    page = guard.new_page()
    page.goto(live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    block.locator(".cm-content").click()
    original = (SNIPPETS / "terminology/coroutine_object.py").read_text().rstrip("\n")
    page.keyboard.press("Tab")  # inside the editor Tab indents...
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    assert block.evaluate("el => el.runnerSource()") != original
    page.keyboard.press("Control+z")
    assert block.evaluate("el => el.runnerSource()") == original
    hint = block.locator(".runner__hint")
    assert hint.is_visible() and "Escape, then Tab" in hint.inner_text(), "nothing says how to leave"
    ring = block.locator(".cm-editor").evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), parseFloat(s.outlineOffset)]; }"
    )
    assert ring[0] == "solid" and ring[1] >= 2 and ring[2] <= -ring[1], f"no focus ring inside the editor's box: {ring}"
    page.keyboard.press("Escape")  # ...and Escape, then Tab, moves on (no keyboard trap)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Run"
    set_code(page, block, "import asyncio\nawait asyncio.sleep(3600)\n")
    block.get_by_role("button", name="Run", exact=True).focus()
    page.keyboard.press("Enter")  # Run is disabled while it runs: focus goes to Stop, not <body>
    wait_running(block)
    assert page.evaluate("document.activeElement.textContent") == "Stop"
    page.keyboard.press("Enter")
    assert wait_settled(page, block) == "stopped"
    assert page.evaluate("document.activeElement.textContent") == "Run", "focus fell off the block"
    block.get_by_role("button", name="Reset").click()
    page.keyboard.press("Escape")
    block.get_by_role("button", name="Run", exact=True).focus()
    page.keyboard.press("Enter")
    assert wait_settled(page, block) == "ok"
    assert page.evaluate("document.activeElement.textContent") == "Run"
    block.get_by_role("button", name="Reset").click()
    block.get_by_role("button", name="Copy", exact=True).click()
    assert page.evaluate("navigator.clipboard.readText()") == original


# ---- reading and keeping code, following output ----------------------------------------------

LONG_SNIPPET = "websocket/send_and_receive_at_once.py"


def test_tab_passes_over_an_editor_until_the_reader_types_and_the_toolbar_is_grouped(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """Tab through the page landed in the next editor, where Tab indented (four Tabs indented
    timeouts.py); eight equally weighted buttons; an empty grey strip above every toolbar."""
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    original = block.evaluate("el => el.runnerSource()")
    run = block.get_by_role("button", name="Run", exact=True)
    run.focus()
    page.keyboard.press("Shift+Tab")  # into the editor, by keyboard
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.keyboard.press("Tab")  # ...and on, not an indent
    expect(run).to_be_focused()
    assert block.evaluate("el => el.runnerSource()") == original

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("End")
    page.keyboard.type("#")  # typing is choosing to edit: now Tab indents
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    assert block.evaluate("el => el.runnerSource()") != original
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(run).to_be_focused()
    block.get_by_role("button", name="Reset").click()

    more = block.get_by_role("group", name="More actions")
    for name in ("Reset", "Copy", "Share", "Clear output", "Copy output"):
        expect(more.get_by_role("button", name=name, exact=True)).to_have_count(1)
    expect(more.get_by_role("button", name="Run", exact=True)).to_have_count(0)
    hint_line = block.locator(".runner__hint-line").bounding_box()
    assert hint_line is not None and hint_line["height"] == 0, f"a strip above the toolbar: {hint_line}"


def test_the_whole_snippet_shows_without_an_inner_scroll(shared_page: Page, live_playground: LiveServer) -> None:
    open_page(shared_page, live_playground.base_url, page_of(LONG_SNIPPET))
    block = block_for(shared_page, LONG_SNIPPET)
    lines = (SNIPPETS / LONG_SNIPPET).read_text().rstrip("\n").count("\n") + 1
    assert lines > 40, "pick a snippet long enough to have been cut"
    hidden = block.locator(".cm-scroller").evaluate("el => el.scrollHeight - el.clientHeight")
    assert hidden <= 1, f"{hidden}px of {LONG_SNIPPET}'s {lines} lines hide in an inner scroll"


def test_output_follows_new_lines_and_a_new_run_starts_clean(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url, permissions=["clipboard-read", "clipboard-write"])
    page = guard.new_page()
    page.goto(live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    output = block.locator(".runner__output")
    # More than the panel keeps (200,000 characters): the first lines are trimmed.
    set_code(page, block, "for i in range(3000):\n    print(i, 'x' * 80)\n")
    assert run_block(page, block) == "ok"
    assert output.get_attribute("data-trimmed"), "the cap did not trim: the test proves nothing"
    gap = output.evaluate("el => el.scrollHeight - el.scrollTop - el.clientHeight")
    assert gap < 8, f"the panel did not follow the output: {gap}px below the view"

    set_code(page, block, "print('short')\n")
    assert run_block(page, block) == "ok"
    assert output.get_attribute("data-trimmed") is None, "a new run still says earlier output was trimmed"

    block.get_by_role("button", name="Copy output").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith("short\n")


def test_output_stays_put_when_the_reader_scrolled_up(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    output = block.locator(".runner__output")
    set_code(
        page,
        block,
        "import asyncio\nfor i in range(60):\n    print(i)\n"
        "while True:\n    await asyncio.sleep(0.05)\n    print('more')\n",
    )
    block.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "el => el.querySelector('.runner__output').scrollTop > 0", arg=block.element_handle(), timeout=RUN_TIMEOUT_MS
    )
    output.evaluate("el => { el.scrollTop = 0; }")  # the reader scrolls back to read
    expect(output).to_contain_text(re.compile(r"(?:more\n){6}"), timeout=RUN_TIMEOUT_MS)  # more output arrives...
    assert output.evaluate("el => el.scrollTop") == 0, "the panel yanked the reader back down"
    block.get_by_role("button", name="Stop", exact=True).click()
    assert wait_settled(page, block) == "stopped"
    block.get_by_role("button", name="Reset").click()


ERRORS = {
    "syntax": ("print('unclosed'\n", "Line 1 is not valid Python", "SyntaxError"),
    "input": ("name = input('name? ')\n", "input() has no keyboard", "EOFError: EOF when reading a line"),
    "sync httpx": (
        "import httpx\nhttpx.get('http://127.0.0.1:9/')\n",
        "A browser gives Python no sockets",
        "httpx.ConnectError",
    ),
    "async socket": (
        "import asyncio\n\n\nasync def main():\n"
        "    await asyncio.open_connection('127.0.0.1', 9)\n\n\nasyncio.run(main())\n",
        "A browser gives Python no sockets, so asyncio cannot open a connection",
        "NotImplementedError",
    ),
    "numpy": ("import numpy\n", "numpy is not available in the page", "ModuleNotFoundError"),
    "missing file": ("open('data.csv')\n", "No such file (errno 2, ENOENT)", "[Errno 2] No such file or directory"),
}


@pytest.mark.parametrize("case", ERRORS.keys())
def test_errors_open_with_a_sentence_and_a_trimmed_traceback(
    shared_page: Page, live_playground: LiveServer, case: str
) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    code, sentence, last = ERRORS[case]
    set_code(page, block, code)
    assert run_block(page, block) == "error"
    stderr = "".join(block.locator('[data-stream="stderr"]').all_text_contents())
    assert stderr.startswith(sentence), stderr
    assert last in stderr.strip().splitlines()[-1]
    assert not runner_frames(stderr) and "explain.py" not in stderr and "ast.py" not in stderr
    assert len(stderr.splitlines()) < 12, f"the traceback is not trimmed:\n{stderr}"
    if case != "syntax":  # the snippet's own line, read back from the code that ran
        assert f"    {code.strip().splitlines()[-1]}" in stderr
    block.get_by_role("button", name="Reset").click()


ASYNC_CLIENT = """import asyncio

import httpx

from playground_client import url_for


async def main():
    async with httpx.AsyncClient() as client:
        response = await client.get(url_for("/healthz"))
        print(response.status_code, response.text)
        await client.get("http://127.0.0.1:9/")


asyncio.run(main())
"""


def test_httpx_async_client_runs_in_the_page_over_fetch(guarded: Guarded, live_playground: LiveServer) -> None:
    """httpx.AsyncClient failed with a 94-line ExceptionGroup (NotImplementedError: sock_connect()):
    in the page it now sends with fetch, and a request that cannot go out fails in one sentence."""
    # Port 9 (discard) on loopback: nothing listens, so the fetch fails as it would for a reader.
    guard = guarded(live_playground.base_url, "http://127.0.0.1:9")
    page = guard.new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, ASYNC_CLIENT)
    assert run_block(page, block) == "error"
    assert stdout_of(block) == "200 ok\n"
    stderr = "".join(block.locator('[data-stream="stderr"]').all_text_contents())
    assert stderr.startswith("The browser's fetch could not reach http://127.0.0.1:9/"), stderr
    assert "httpx.ConnectError" in stderr.strip().splitlines()[-1]
    assert len(stderr.splitlines()) < 12 and "ExceptionGroup" not in stderr, stderr
    assert guard.refused == []  # the page asked nowhere else


def mounted(page: Page, relative: str) -> None:
    """Wait until the page shows the block of ``relative``, mounted by the runner (it adds the
    class ``runner``): after instant navigation the URL changes at once, the content later."""
    block = page.locator(".md-content .runner", has=page.locator(".filename", has_text=relative))
    expect(block).to_have_count(1, timeout=RUN_TIMEOUT_MS)


def test_edits_survive_navigation_and_a_shared_link_carries_them(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url, permissions=["clipboard-read", "clipboard-write"])
    page = guard.new_page()
    page.goto(live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    edited = "print('kept across pages')\n"
    set_code(page, block, edited)
    page.get_by_role("link", name="Async I/O", exact=True).first.click()  # instant navigation
    page.wait_for_url("**/async-io/")
    # Back before Async I/O arrived would leave the old terminology block (the edited editor
    # itself) in the page until Back's own fetch replaced it: the check below would race it.
    mounted(page, "async_io/event_loop_server_sim.py")
    page.go_back()
    page.wait_for_url("**/terminology/")
    mounted(page, "terminology/coroutine_object.py")  # instant navigation swaps content later
    block = block_for(page, "terminology/coroutine_object.py")
    assert block.evaluate("el => el.runnerSource()").rstrip("\n") == edited.rstrip("\n")

    block.get_by_role("button", name="Share").click()
    link = page.evaluate("navigator.clipboard.readText()")
    fresh = guarded(live_playground.base_url).new_page()  # a fresh visit: no sessionStorage
    fresh.goto(link)
    mounted(fresh, "terminology/coroutine_object.py")
    shared = block_for(fresh, "terminology/coroutine_object.py")
    assert shared.evaluate("el => el.runnerSource()").rstrip("\n") == edited.rstrip("\n")

    block.get_by_role("button", name="Reset").click()
    page.reload()
    original = (SNIPPETS / "terminology/coroutine_object.py").read_text().rstrip("\n")
    assert block_for(page, "terminology/coroutine_object.py").evaluate("el => el.runnerSource()") == original


def test_a_shared_link_opens_at_its_block_and_says_where_the_code_came_from(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """Opened in a fresh browser, a shared link used to restore the code but leave the page at
    its top, saying "Your edits from earlier in this visit are back"."""
    import base64

    relative = "asgi/background_blocking_task.py"  # the page's last runnable block: far from the top
    code = "print('shared with you')\n"
    encoded = base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")
    page = guarded(live_playground.base_url).new_page()
    load_page(page, f"{live_playground.base_url}{page_of(relative)}#code={relative}:{encoded}")
    block = page.locator(".runner", has=page.locator(".filename", has_text=relative))
    expect(block).to_be_in_viewport()
    expect(block).to_have_attribute("data-runner-shared", "")
    expect(block.locator(".runner__status")).to_have_text("This code came from a shared link. Reset restores the file.")
    assert block.evaluate("el => el.runnerSource()") == code
    assert page.evaluate("scrollY") > 1000, "the page stayed at its top"


def test_navigating_away_during_a_run_throws_nothing(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    page.goto(live_playground.base_url + "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "import asyncio\nwhile True:\n    await asyncio.sleep(0.1)\n    print('tick')\n")
    block.get_by_role("button", name="Run", exact=True).click()
    wait_running(block)
    page.get_by_role("link", name="Async I/O", exact=True).first.click()
    page.wait_for_url("**/async-io/")
    after = block_for(page, "async_io/event_loop_server_sim.py")
    assert run_block(page, after) == "ok", after.locator(".runner__output").inner_text()
    assert page.evaluate("asyncFastapiLive.runtime.starts") == 1, "leaving a run restarted Python"
    assert guard.console_errors == [], guard.console_errors


def test_each_block_links_to_its_snippet_file(shared_page: Page, live_playground: LiveServer) -> None:
    open_page(shared_page, live_playground.base_url, "/terminology/")
    block = block_for(shared_page, "terminology/coroutine_object.py")
    href = block.get_by_role("link", name="Source file").get_attribute("href") or ""
    served = shared_page.request.get(href if "://" in href else live_playground.base_url + href)
    assert served.ok and served.text() == (SNIPPETS / "terminology/coroutine_object.py").read_text()


@pytest.mark.alone  # a 50 ms bound on the runner's share of the load: a busy other core stretches it
def test_the_runner_adds_no_long_task_to_a_page_load(guarded: Guarded, live_playground: LiveServer) -> None:
    """The page's own load has long tasks (Material, layout: they stay with the runner switched
    off); the runner's share, measured by its own performance marks, must stay under 50 ms, and
    no editor is built until the reader reaches for a block."""
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    load_page(page, live_playground.base_url + "/async-io/")
    skip_predictions(page)  # else a block that asks for a prediction first holds its editor
    for runner in page.locator(".runner").all():  # the reader scrolls through every block
        runner.scroll_into_view_if_needed()
    assert page.locator(".runner").count() > 5
    assert page.locator(".cm-editor").count() == 0, "editors were built without the reader asking"
    mounts = page.evaluate("performance.getEntriesByName('runner:mount').map(e => e.duration)")
    assert mounts and max(mounts) < 50, f"mounting the page's blocks took {mounts} ms"
    block = page.locator(".runner").nth(2)
    block.dispatch_event("pointerenter")  # reaching for one block builds its editor, and only its
    block.locator(".cm-editor").wait_for()
    assert page.locator(".cm-editor").count() == 1
    assert len(page.evaluate("performance.getEntriesByName('runner:editor')")) == 1
    for runner in page.locator(".runner").all():  # an editor replaces the code without moving anything
        height = runner.evaluate("el => el.offsetHeight")
        runner.dispatch_event("pointerenter")
        runner.locator(".cm-editor").wait_for()
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        name = runner.locator(".filename").inner_text()
        assert runner.evaluate("el => el.offsetHeight") == height, f"{name}: the editor moved what is below it"


def test_home_page_states_the_real_download_sizes_and_pinned_versions(built_site: Path) -> None:
    """The figures on the home page are the build's, recomputed here from its manifest."""
    runtime = built_site / "runtime"
    manifest = json.loads((runtime / "manifest.json").read_text())
    packages = json.loads((runtime / "packages.json").read_text())
    sizes: dict[str, int] = manifest["sizes"]
    core = [
        name
        for name in sizes
        if name.startswith(manifest["pyodide_dir"]) or name in (manifest["stdlib"], manifest["snapshot"]["file"])
    ]

    def over_the_wire(name: str) -> int:
        twin = runtime / f"{name}.gz"
        return (twin if twin.is_file() else runtime / name).stat().st_size

    wanted = [w for w in packages if w.startswith(("fastapi-", "httpx-"))]
    closure: set[str] = set()
    while wanted:
        wheel = wanted.pop()
        if wheel not in closure:
            closure.add(wheel)
            wanted.extend(packages[wheel]["depends"])
    fastapi_bytes = sum(sizes[manifest["wheels"][w]] for w in closure)

    home = (DOCS / "index.md").read_text()
    flat = " ".join(home.split())
    assert (
        f"{sum(over_the_wire(n) for n in core) / 1e6:.1f} MB over the wire "
        f"({sum(sizes[n] for n in core) / 1e6:.1f} MB once unpacked" in flat
    )
    assert f"{fastapi_bytes / 1e6:.1f} MB more for the first block that imports FastAPI and httpx" in flat

    pins = tomllib.loads((ROOT / "browser-pins.toml").read_text())
    wheels = {name.split("-")[0]: name.split("-")[1] for name in pins["wheels"]["files"]}
    stated = (
        f"Python {pins['wheels']['python_version']} (Pyodide {pins['pyodide']['version']}) with FastAPI "
        f"{wheels['fastapi']}, Starlette {wheels['starlette']} and Pydantic {wheels['pydantic']}"
    )
    assert stated in flat, f"the home page does not say: {stated}"


def test_python_starts_from_the_builds_snapshot_and_without_it_when_it_fails(
    guarded: Guarded, live_playground: LiveServer, built_site: Path
) -> None:
    manifest = json.loads((built_site / "runtime" / "manifest.json").read_text())
    snapshot = built_site / "runtime" / manifest["snapshot"]["file"]
    assert snapshot.stat().st_size == manifest["snapshot"]["bytes"]
    for refuse in (False, True):
        guard = guarded(live_playground.base_url)
        try:
            page = guard.new_page()
            if refuse:  # a snapshot that cannot be had: Python starts the ordinary way
                page.route("**/runtime/snapshot/**", lambda route: route.fulfill(status=404))
            page.goto(live_playground.base_url + "/terminology/")
            block = block_for(page, "terminology/coroutine_object.py")
            assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
            assert stdout_of(block).startswith("coroutine")
            assert page.evaluate("asyncFastapiLive.runtime.info.snapshot") is (not refuse)
        finally:
            guard.context.close()


def test_a_page_whose_blocks_import_packages_starts_python_without_the_snapshot(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """The snapshot holds asyncio, not the wheels: with it a FastAPI block's first output came no
    sooner on loopback (1,858 ms against 1,925, benchmarks/runner_cold_start.py) after 4.7 MB
    more, 3.5 s later at 10 Mbit/s. So a page with such blocks starts Python plainly;
    `?snapshot=on` still forces it."""
    for query, expected in (("", False), ("?snapshot=on", True)):
        guard = guarded(live_playground.base_url)
        try:
            page = guard.new_page()
            page.goto(live_playground.base_url + "/dependency-injection/" + query)
            block_for(page, "dependency_injection/api_key_auth.py")
            page.evaluate("() => asyncFastapiLive.runtime.warm()")
            assert page.evaluate("asyncFastapiLive.runtime.info.snapshot") is expected, query
            why = page.evaluate("asyncFastapiLive.runtime.snapshotChoice.why")
            assert ("import packages" in why) if not expected else why == "?snapshot=on", why
        finally:
            guard.context.close()


def test_readers_restored_from_the_snapshot_draw_different_random_numbers(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """The snapshot freezes the build's interpreter, its random state included: each reader's
    Python must reseed, or every reader would draw the same `random.random()` sequence."""
    draws = []
    for _ in range(2):
        guard = guarded(live_playground.base_url)
        try:
            page = guard.new_page()
            page.goto(live_playground.base_url + "/terminology/")
            block = block_for(page, "terminology/coroutine_object.py")
            set_code(page, block, "import random\nprint(random.random())\n")
            assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
            assert page.evaluate("asyncFastapiLive.runtime.info.snapshot") is True
            draws.append(stdout_of(block).strip())
        finally:
            guard.context.close()
    assert draws[0] != draws[1], f"two readers drew the same random number {draws[0]}"


def test_the_editor_keeps_the_pages_lesson_lines_highlighted(shared_page: Page, live_playground: LiveServer) -> None:
    """A block with hl_lines shows the same lines highlighted once the editor replaces the static
    code, and the highlight moves with the text when the reader edits above it."""
    relative = "websocket/first_message_timeout.py"
    open_page(shared_page, live_playground.base_url, page_of(relative))
    block = block_for(shared_page, relative)
    expected = [line for line in block.locator(":scope > pre .hll").all_inner_texts()]
    assert len(expected) > 5, "the page highlights no lesson in this block: pick another block"
    block.dispatch_event("pointerenter")
    block.locator(".cm-editor").wait_for()
    lesson = block.locator(".cm-lesson")
    expect(lesson).to_have_count(len(expected))
    assert [text.rstrip("\n") for text in lesson.all_inner_texts()] == [text.rstrip("\n") for text in expected]
    block.locator(".cm-content").click()
    shared_page.keyboard.press("Control+Home")
    shared_page.keyboard.type("# a line typed above the lesson\n")
    assert block.evaluate("el => el.runnerSource()").startswith("# a line typed above the lesson\n")
    expect(lesson).to_have_count(len(expected))
    assert lesson.first.inner_text() == expected[0].rstrip("\n")
    block.get_by_role("button", name="Reset").click()


def test_on_a_phone_the_occasional_actions_fold_behind_more(guarded: Guarded, live_playground: LiveServer) -> None:
    """At 375 px the toolbar took four rows (Run, Stop and Show the loop; then the occasional
    actions in two rows; then the source link): they fold behind a "More" disclosure there, which
    opens by keyboard onto the first of them. A desktop toolbar has no "More" and shows them."""
    phone = guarded(live_playground.base_url, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    toolbar = block.get_by_role("toolbar")
    more = toolbar.get_by_role("button", name="More", exact=True)
    reset = toolbar.get_by_role("button", name="Reset", exact=True)
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(reset).to_be_hidden()
    tops = {
        round(toolbar.get_by_role("button", name=name, exact=True).bounding_box()["y"])  # type: ignore[index]
        for name in ("Run", "Stop", "Show the loop", "More")
    }
    assert len(tops) == 1, f"the first row wraps at 375 px: {tops}"
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(reset).to_be_visible()
    group = toolbar.get_by_role("group", name="More actions")
    expect(group.locator("button:not(:disabled), a").first).to_be_focused()  # into the group
    desktop = guarded(live_playground.base_url).new_page()
    open_page(desktop, live_playground.base_url, "/terminology/")
    wide = block_for(desktop, "terminology/coroutine_object.py").get_by_role("toolbar")
    expect(wide.get_by_role("button", name="More", exact=True)).to_be_hidden()
    expect(wide.get_by_role("button", name="Reset", exact=True)).to_be_visible()
    # In dark too the occasional actions are quieter than Run: no border (contrast.css had drawn one).
    desktop.emulate_media(color_scheme="dark")
    expect(desktop.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    desktop.mouse.move(0, 0)
    border = "el => getComputedStyle(el).borderTopColor"
    assert wide.get_by_role("button", name="Reset", exact=True).evaluate(border) == "rgba(0, 0, 0, 0)"
    assert wide.get_by_role("button", name="Run", exact=True).evaluate(border) != "rgba(0, 0, 0, 0)"
