"""Every route under /admin refuses a request without the key (401) and serves one with it,
the key checked once per request, including a route the check adds to the router itself."""

from playground.browser.exercise_check import Exercise
from playground.browser.exercise_probes import http_client


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    ex.ran_cleanly(program)
    app, checks = ex.get("app"), ex.get("checks")
    key = {"x-admin-key": "s3cret"}

    async def requests() -> dict[str, int]:
        async with http_client(app) as client:
            answers = {
                "GET /admin/users": (await client.get("/admin/users")).status_code,
                "DELETE /admin/users/ada": (await client.delete("/admin/users/ada")).status_code,
                "GET /admin/users with the key": (await client.get("/admin/users", headers=key)).status_code,
                "DELETE /admin/users/ada with the key": (
                    await client.delete("/admin/users/ada", headers=key)
                ).status_code,
            }
            checks.clear()
            await client.get("/admin/users", headers=key)
            answers["checks per request"] = len(checks)
            return answers

    run = await ex.probe(requests)
    ex.ran_cleanly(run, "The check's requests were answered")
    answers = run.value
    open_doors = [what for what in ("GET /admin/users", "DELETE /admin/users/ada") if answers[what] != 401]
    ex.expect(
        not open_doors,
        "Every /admin route refuses a request without the key",
        "401 for every /admin route when the X-Admin-Key header is missing",
        lambda: ", ".join(f"{what} answered {answers[what]}" for what in open_doors),
        ex.line_of(r"return False|APIRouter\(|@admin.delete"),
    )
    refused = [what for what in answers if what.endswith("with the key") and answers[what] != 200]
    ex.expect(
        not refused,
        "A request with the key is served",
        "200 with the right key",
        lambda: ", ".join(f"{what} answered {answers[what]}" for what in refused),
        ex.line_of(r"s3cret"),
    )
    ex.expect(
        answers["checks per request"] == 1,
        "The key is checked once per request",
        "require_admin_key called once for one request",
        f"it was called {answers['checks per request']} times",
        ex.line_of(r"use_cache|Depends\(require_admin_key"),
    )
