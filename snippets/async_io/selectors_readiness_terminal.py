"""What an event loop asks the operating system: which of these sockets can I read now?

Three connected socket pairs stand in for three clients. One thread, no blocking reads: the
selector (epoll on Linux, kqueue on macOS) reports only the sockets that have data.
"""

import selectors
import socket

selector = selectors.DefaultSelector()
clients = {}
for name in ("ana", "ben", "cai"):
    server_side, client_side = socket.socketpair()
    server_side.setblocking(False)
    selector.register(server_side, selectors.EVENT_READ, data=name)
    clients[name] = client_side

clients["ben"].sendall(b"hello from ben")  # only ben and cai have sent anything
clients["cai"].sendall(b"hi, cai here")

ready = sorted(selector.select(timeout=1), key=lambda item: item[0].data)
for key, _events in ready:
    print(f"ready: {key.data} -> {key.fileobj.recv(1024).decode()!r}")
#> ready: ben -> 'hello from ben'
#> ready: cai -> 'hi, cai here'
registered = {key.data for key in selector.get_map().values()}
print(f"nothing to read yet: {sorted(registered - {key.data for key, _ in ready})}")
#> nothing to read yet: ['ana']

for key in list(selector.get_map().values()):
    selector.unregister(key.fileobj)
    key.fileobj.close()
for client in clients.values():
    client.close()
