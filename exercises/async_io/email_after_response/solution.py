import asyncio
import time

import httpx
from fastapi import BackgroundTasks, FastAPI

app = FastAPI()
sent: list[str] = []  # the outbox, to see what was sent


async def send_welcome_email(address: str) -> None:
    await asyncio.sleep(0.3)  # the mail server is slow
    sent.append(address)


@app.post("/signup")
async def signup(address: str, background_tasks: BackgroundTasks) -> dict[str, str]:
    background_tasks.add_task(send_welcome_email, address)  # runs after the response is sent
    return {"status": "welcome"}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        start = time.perf_counter()
        response = await client.post("/signup", params={"address": "ada@example.org"})
        print(response.json(), f"after {time.perf_counter() - start:.1f}s")
    print("sent:", sent)


asyncio.run(main())
