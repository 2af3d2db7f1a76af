"""A disk is not a socket: readiness means nothing for a regular file.

A socket with no data is "not ready", so the loop can wait on it. A regular file is always
"ready" to `select` (a read may still wait on the disk, inside the read call itself), and Linux's
`epoll` refuses to watch it at all. So asyncio has no async file API: async code sends disk I/O
to a thread. Linux only (epoll).
"""

import asyncio
import select
import socket
import tempfile

quiet_socket, _peer = socket.socketpair()  # connected, but nobody has sent anything
with tempfile.TemporaryFile() as disk_file:
    readable, _, _ = select.select([quiet_socket, disk_file], [], [], 0)
    print(f"select: socket ready: {quiet_socket in readable}; file ready: {disk_file in readable}")
    #> select: socket ready: False; file ready: True

    epoll = select.epoll()
    epoll.register(quiet_socket, select.EPOLLIN)  # fine: the kernel can tell when data arrives
    try:
        epoll.register(disk_file, select.EPOLLIN)
    except PermissionError as error:
        print(f"epoll and a file: {error.strerror} (errno {error.errno}, EPERM)")
        #> epoll and a file: Operation not permitted (errno 1, EPERM)
    epoll.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        try:  # what an "async read of a file" would need: the loop watching the file
            loop.add_reader(disk_file.fileno(), print)
        except PermissionError as error:
            print(f"asyncio's loop and a file: {error.strerror}")

    asyncio.run(main())
    #> asyncio's loop and a file: Operation not permitted

quiet_socket.close()
_peer.close()
