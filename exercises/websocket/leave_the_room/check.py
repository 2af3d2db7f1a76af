"""Two clients in the room: a message reaches both, a client that leaves is removed, its
endpoint ends without an error, and the one who stays can go on talking."""

from playground.browser.exercise_check import Exercise
from playground.browser.exercise_probes import Closed, WebSocketProbe


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    app, room = ex.get("app"), ex.get("room")
    seen: dict[str, object] = {}

    async def two_clients() -> None:
        room.clear()
        ada, bo = WebSocketProbe(app, "/chat"), WebSocketProbe(app, "/chat")
        await ada.connect()
        await bo.connect()
        await ada.send_text("hello")
        seen["bo heard"] = await bo.receive_text(1.0)
        seen["ada left cleanly"] = await ada.disconnect(1.0)
        seen["ada error"] = ada.app_error
        seen["room after"] = len(room)
        await bo.send_text("still here?")
        try:
            seen["bo heard again"] = await bo.receive_text(1.0)
        except (TimeoutError, Closed) as error:
            seen["bo heard again"] = f"nothing ({type(error).__name__})"
        await bo.disconnect(1.0)

    run = await ex.probe(two_clients)
    ex.ran_cleanly(run, "The check's two clients could talk")
    ex.expect(
        seen.get("bo heard") == "hello",
        "A message reaches the room",
        "bo hears ada's 'hello'",
        f"{seen.get('bo heard')}",
    )
    error = seen.get("ada error")
    ex.expect(
        error is None and seen.get("ada left cleanly") is True,
        "The endpoint ends quietly when a client leaves",
        "chat() to return without an exception once ada disconnects",
        f"it raised {type(error).__name__}: {error}" if error else "it was still running",
        ex.line_of(r"receive\(\)|receive_text\(\)"),
    )
    ex.expect(
        seen.get("room after") == 1,
        "A client that leaves is removed from the room",
        "the room to hold 1 websocket after ada left",
        f"it holds {seen.get('room after')}",
        ex.line_of(r"except WebSocketDisconnect|room.append"),
    )
    ex.expect(
        seen.get("bo heard again") == "still here?",
        "The one who stays can go on talking",
        "bo's next message broadcast to the room (to bo)",
        f"bo heard {seen.get('bo heard again')}",
        ex.line_of(r"for member in room"),
    )
    ex.nothing_left_running(run)
    ex.ran_cleanly(program)
