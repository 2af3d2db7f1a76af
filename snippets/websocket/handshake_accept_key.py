"""The opening handshake: an HTTP request that asks to switch protocols (RFC
6455, section 4).

The server proves it speaks websocket by hashing the client's random key with a
fixed GUID.
"""

import base64
import hashlib

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # the same for every websocket, by the RFC


def accept_for(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


key = "dGhlIHNhbXBsZSBub25jZQ=="  # the RFC's own example key: 16 random bytes, base64
request = [
    "GET /ws/echo HTTP/1.1",
    "Host: 127.0.0.1:8000",  # required, as in any HTTP/1.1 request
    "Upgrade: websocket",
    "Connection: Upgrade",
    f"Sec-WebSocket-Key: {key}",
    "Sec-WebSocket-Version: 13",  # the only one (another: uvicorn says 400)
    "Origin: http://127.0.0.1:8000",  # sent by browsers: the page that opens the socket
]
print("\n".join(request))
#> GET /ws/echo HTTP/1.1
#> Host: 127.0.0.1:8000
#> Upgrade: websocket
#> Connection: Upgrade
#> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
#> Sec-WebSocket-Version: 13
#> Origin: http://127.0.0.1:8000

response = [
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    f"Sec-WebSocket-Accept: {accept_for(key)}",
]
print("\n".join(response))
#> HTTP/1.1 101 Switching Protocols
#> Upgrade: websocket
#> Connection: Upgrade
#> Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
