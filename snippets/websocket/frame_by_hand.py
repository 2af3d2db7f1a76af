"""One websocket frame, built and read by hand (RFC 6455, section 5.2).

Byte 0: FIN bit + opcode (0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong).
Byte 1: MASK bit + payload length (< 126 here). Then the 4-byte mask, then the masked payload.
A browser must mask every frame it sends; a server never masks.
"""

import os


def client_text_frame(text: str, mask: bytes) -> bytes:
    payload = text.encode()
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | 0x1, 0x80 | len(payload)]) + mask + masked


def read_frame(frame: bytes) -> tuple[int, str]:
    opcode = frame[0] & 0x0F
    length = frame[1] & 0x7F
    mask, payload = frame[2:6], frame[6 : 6 + length]
    return opcode, bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload)).decode()


frame = client_text_frame("hi!", mask=os.urandom(4))
print(f"{len(frame)} bytes on the wire, first two: {frame[:2].hex(' ')}")
#> 9 bytes on the wire, first two: 81 83
print(read_frame(frame))
#> (1, 'hi!')
