"""One websocket frame, built and read by hand (RFC 6455, section 5.2).

Byte 0: FIN bit + opcode (0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong).
Byte 1: MASK bit + payload length: 0-125 as is; 126 means "the next 2 bytes hold
the length" (up to 65535); 127 means "the next 8 bytes do". Then the 4-byte
mask, then the masked payload. Every frame a client sends must be masked (a
server closes the connection otherwise); a server never masks.
"""

import os
import struct


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    mask = os.urandom(4)  # a fresh mask per frame
    if len(payload) < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload))
    elif len(payload) < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, len(payload))
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, len(payload))
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return header + mask + masked


def read_frame(frame: bytes) -> tuple[int, bytes]:
    opcode, length, at = frame[0] & 0x0F, frame[1] & 0x7F, 2
    if length == 126:
        (length,), at = struct.unpack_from("!H", frame, at), at + 2
    elif length == 127:
        (length,), at = struct.unpack_from("!Q", frame, at), at + 8
    masked = frame[1] & 0x80
    mask, at = (frame[at : at + 4], at + 4) if masked else (bytes(4), at)
    payload = frame[at : at + length]
    return opcode, bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))


frame = client_frame(b"hi!")
print(f"{len(frame)} bytes on the wire, first two: {frame[:2].hex(' ')}")
#> 9 bytes on the wire, first two: 81 83
print(read_frame(frame))
#> (1, b'hi!')


def header_sizes() -> None:
    for size in (125, 126, 65_536):
        frame = client_frame(b"x" * size)
        header = len(frame) - size - 4  # without the mask
        print(f"payload {size:>6} bytes: header {header:>2} bytes, byte 1 = {frame[1]:#04x}")
        assert read_frame(frame) == (1, b"x" * size)


header_sizes()
#> payload    125 bytes: header  2 bytes, byte 1 = 0xfd
#> payload    126 bytes: header  4 bytes, byte 1 = 0xfe
#> payload  65536 bytes: header 10 bytes, byte 1 = 0xff
