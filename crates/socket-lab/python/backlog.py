"""backlog: what the number in listen(5) bounds."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


BACKLOG = 2

# ANCHOR: listen
# 1. socket + bind + listen(2); this server never calls accept().
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(BACKLOG)
addr = listener.getsockname()
step(f"listen({BACKLOG}) on {addr[0]}:{addr[1]}, and never accept()")
# ANCHOR_END: listen

# ANCHOR: fill
# 2. Connect clients one at a time, each with a 0.3 s limit, until one does not get through.
clients = []
while len(clients) <= 10:
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(0.3)
    started = time.monotonic()
    try:
        client.connect(addr)
    except TimeoutError as err:
        step(f"client {len(clients) + 1}: {type(err).__name__} after {time.monotonic() - started:.3f} s ({err})")
        client.close()
        break
    clients.append(client)
    step(f"client {len(clients)}: connected after {time.monotonic() - started:.3f} s")
say(f"{len(clients)} connections wait in the queue of listen({BACKLOG}): Linux queues backlog + 1")
# ANCHOR_END: fill

# ANCHOR: accept
# 3. accept() one: a place in the queue frees up, and the next client gets in at once.
first, _ = listener.accept()
late = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
late.settimeout(0.3)
started = time.monotonic()
late.connect(addr)
step(f"accept() one, connect again: connected after {time.monotonic() - started:.3f} s")
# ANCHOR_END: accept
for s in clients + [first, late, listener]:
    s.close()
