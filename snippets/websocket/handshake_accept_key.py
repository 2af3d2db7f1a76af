"""The opening handshake: an HTTP request that asks to switch protocols (RFC 6455, section 4).

The server proves it speaks websocket by hashing the client's random key with a fixed GUID.
"""

import base64
import hashlib

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # the same for every websocket, by the RFC


def accept_for(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


key = "dGhlIHNhbXBsZSBub25jZQ=="  # the RFC's own example key
print("GET /ws/echo HTTP/1.1")
print("Upgrade: websocket")
print("Connection: Upgrade")
print(f"Sec-WebSocket-Key: {key}")
print()
print("HTTP/1.1 101 Switching Protocols")
print(f"Sec-WebSocket-Accept: {accept_for(key)}")
#> GET /ws/echo HTTP/1.1
#> Upgrade: websocket
#> Connection: Upgrade
#> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
#>
#> HTTP/1.1 101 Switching Protocols
#> Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
