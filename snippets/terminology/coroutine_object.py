import asyncio


async def greet(name: str) -> str:
    print(f"greet({name!r}) is running")
    return f"hello, {name}"


coro = greet("Ada")  # calling an async function runs none of its body...
print(type(coro).__name__)
#> coroutine

result = asyncio.run(coro)  # ...until an event loop drives the coroutine
#> greet('Ada') is running
print(result)
#> hello, Ada
