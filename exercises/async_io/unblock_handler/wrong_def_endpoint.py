# intended: The endpoint is async def
import asyncio
import time

import httpx
from fastapi import FastAPI

app = FastAPI()


def lookup(sku: str) -> int:
    """The inventory service's blocking client: 0.2 s per call."""
    time.sleep(0.2)
    return len(sku)


async def lookup_async(sku: str) -> int:
    """The same service's async client: it waits without holding the loop."""
    await asyncio.sleep(0.2)
    return len(sku)


@app.get("/stock/{sku}")
def stock(sku: str) -> dict[str, int]:
    return {"count": lookup(sku)}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        start = time.perf_counter()
        responses = await asyncio.gather(*(client.get(f"/stock/{sku}") for sku in ("a", "bb", "ccc")))
        print([response.json() for response in responses])
        print(f"3 requests in {time.perf_counter() - start:.1f}s")


asyncio.run(main())
