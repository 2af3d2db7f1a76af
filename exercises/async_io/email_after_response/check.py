"""The response must not wait for the mail server; the email must still be sent, exactly once,
after the response; no blocking step."""

import asyncio

from playground.browser.exercise_check import Exercise
from playground.browser.exercise_probes import request_by_hand


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    ex.ran_cleanly(program)
    app, sent = ex.get("app"), ex.get("sent")
    timing: dict[str, float] = {}

    async def signup() -> int:
        sent.clear()
        answer = await request_by_hand(app, "POST", "/signup", "address=grace@example.org")
        timing["response"] = answer.answered_after  # when the client has it, not when the call ends
        for _ in range(20):  # the email may still be on its way: wait up to 1 s for it
            if sent:
                break
            await asyncio.sleep(0.05)
        return answer.status

    run = await ex.probe(signup)
    ex.ran_cleanly(run, "The check's request was answered")
    ex.expect(run.value == 200, "The signup answers 200", "200", f"{run.value}", ex.line_of(r"def signup"))
    ex.expect(
        timing["response"] < 0.25,  # the mail server alone takes 0.3 s
        "The response does not wait for the email",
        "the response in well under the mail server's 0.3 s",
        f"it took {timing['response']:.2f} s",
        ex.line_of(r"await send_welcome_email"),
    )
    ex.expect(
        sent == ["grace@example.org"],
        "The email is sent once, after the response",
        "one email to grace@example.org",
        f"the outbox holds {sent}",
        ex.line_of(r"add_task|send_welcome_email\("),
    )
    ex.nothing_left_running(run)
    await ex.never_blocks(run)
