"""The page applies the suite's full rule under Pyodide: each `#>` group is tied to the statement
above it, also for output printed by a task the module started (the module is then a suspended
coroutine, not on the stack)."""

from __future__ import annotations

from tests.browser import Guarded, block_for, run_block, set_code, stdout_of
from tests.live_server import LiveServer

PROGRAM = (
    "import asyncio\n\n\nasync def worker():\n    await asyncio.sleep(0)\n    print('from a task')\n\n\n"
    "async def main():\n    print('main starts')\n    await asyncio.create_task(worker())\n\n\n"
    "asyncio.run(main())\n"
)
TIED = PROGRAM.replace("print('main starts')\n", "print('main starts')\n    #> main starts\n") + "#> from a task\n"
# The same lines, in the same file order, under the wrong statements: the whole-file rule would pass.
MOVED = PROGRAM.replace("print('from a task')\n", "print('from a task')\n    #> main starts\n") + "#> from a task\n"


def test_the_page_ties_each_group_to_its_statement(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url)
    try:
        page = guard.new_page()
        page.goto(live_playground.base_url + "/terminology/")
        block = block_for(page, "terminology/coroutine_object.py")

        set_code(page, block, TIED)
        assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
        assert stdout_of(block) == "main starts\nfrom a task\n"
        assert block.get_attribute("data-runner-verdict") == "match", block.locator(".runner__output").inner_text()

        set_code(page, block, MOVED)
        assert run_block(page, block) == "ok"
        assert stdout_of(block) == "main starts\nfrom a task\n"
        assert block.get_attribute("data-runner-verdict") == "differ"
        output = block.locator(".runner__output").inner_text()
        assert "in file order" not in output, "the page fell back to the whole-file rule"
        assert "-    #> main starts" in output and "+#> main starts" in output
    finally:
        guard.context.close()
    assert guard.refused == [], f"requests to other hosts: {guard.refused}"
