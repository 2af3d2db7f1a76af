"""A websocket that pushes ticks and echoes at once: ticks without being asked, an echo between
two ticks, the endpoint returning when the client leaves, nothing left running, no blocking."""

from playground.browser.exercise_check import Exercise
from playground.browser.exercise_probes import Closed, WebSocketProbe


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    app = ex.get("app")
    told: dict[str, object] = {}

    async def conversation() -> None:
        client = WebSocketProbe(app, "/ticker")
        await client.connect()
        told["silent"] = [await client.receive_text(0.3) for _ in range(3)]  # 0.3 s > 0.1 s apart
        await client.send_text("hello")
        heard = []
        try:
            while "echo: hello" not in heard and len(heard) < 3:
                heard.append(await client.receive_text(0.15))
        except (TimeoutError, Closed):
            pass
        told["after_hello"] = heard
        told["returned"] = await client.disconnect(0.5)

    run = await ex.probe(conversation)
    silent = told.get("silent")
    ex.expect(
        silent is not None,
        "Ticks keep coming while the client is silent",
        "3 ticks within 0.3 s each, while the client sends nothing",
        lambda: f"no tick arrived: {run.error_summary or 'the endpoint waited'} (does it wait for the client first?)",
        ex.line_of(r"receive_text|iter_text"),
    )
    heard = told.get("after_hello", [])
    ex.expect(
        "echo: hello" in heard,  # type: ignore[operator]
        "It echoes a message at once, while pushing",
        "'echo: hello' within 0.15 s of sending 'hello'",
        f"the client heard {heard} and no echo",
        ex.line_of(r"send_text\(f?\"tick"),
    )
    ex.expect(
        told.get("returned") is True,
        "The endpoint returns when the client leaves",
        "ticker() to return within 0.5 s of the client's disconnect",
        "it was still running: something in it never ends after the client left",
        ex.line_of(r"gather|while True"),
    )
    ex.nothing_left_running(run)
    await ex.never_blocks(run)
    ex.ran_cleanly(program)
