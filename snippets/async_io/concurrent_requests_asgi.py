import asyncio
import time

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/report")
async def report() -> dict[str, str]:
    await asyncio.sleep(0.3)  # waiting on "the database" without holding the loop
    return {"status": "ready"}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        start = time.perf_counter()
        responses = await asyncio.gather(*(client.get("/report") for _ in range(5)))
        elapsed = time.perf_counter() - start
    print([response.status_code for response in responses])
    print(f"5 requests answered in {elapsed:.1f}s")


asyncio.run(main())
#> [200, 200, 200, 200, 200]
#> 5 requests answered in 0.3s
