"""nonblocking: setblocking(False): a call that would wait raises instead."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def retry(call):
    """Repeat a non-blocking call while it would block, for at most 1 s."""
    deadline = time.monotonic() + 1
    while True:
        try:
            return call()
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


# ANCHOR: accept
# 1. A non-blocking listener: accept() with nobody connecting raises at once.
listener = socket.create_server(("127.0.0.1", 0))
listener.setblocking(False)
step("setblocking(False) on a listener; accept() with nobody connecting")
try:
    listener.accept()
except BlockingIOError as err:
    say(f"BlockingIOError, errno {err.errno}")
# ANCHOR_END: accept

# ANCHOR: accept_again
# 2. A client connects; the same accept() now succeeds.
client = socket.create_connection(listener.getsockname())
conn, _ = retry(listener.accept)
step("a client connects; accept() again: a new connection")
# ANCHOR_END: accept_again

# ANCHOR: recv
# 3. recv with nothing sent yet.
conn.setblocking(False)
step("setblocking(False) on the connection; recv(1024) with nothing sent")
try:
    conn.recv(1024)
except BlockingIOError as err:
    say(f"BlockingIOError, errno {err.errno} (not b'': b'' would mean the client closed)")
# ANCHOR_END: recv

# ANCHOR: recv_again
# 4. The client sends; the same recv now returns the bytes.
client.sendall(b"ping")
data = retry(lambda: conn.recv(1024))
step(f"the client sends \"ping\"; recv(1024) again: {len(data)} bytes {data!r}")
# ANCHOR_END: recv_again
for s in (client, conn, listener):
    s.close()
