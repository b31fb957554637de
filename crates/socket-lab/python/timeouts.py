"""timeouts: settimeout() limits connect, recv and send alike."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def report(call):
    started = time.monotonic()
    try:
        result = call()
        say(f"returned {result!r} after {time.monotonic() - started:.3f} s: it did not time out")
    except TimeoutError as err:
        say(f"{type(err).__name__} after {time.monotonic() - started:.3f} s: {err} (errno {err.errno})")


# 1. A listener that never accepts, with room for one connection; one client fills it.
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills fast
listener.bind(("127.0.0.1", 0))
listener.listen(0)
addr = listener.getsockname()
first = socket.create_connection(addr, timeout=0.3)
step(f"listen(0) on {addr[0]}:{addr[1]}, never accept(); one client fills the queue")

# ANCHOR: connect
# 2. connect with a limit: the SYN is dropped, nothing answers.
second = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
second.settimeout(0.3)
step("settimeout(0.3), connect a second client")
report(lambda: second.connect(addr))
# ANCHOR_END: connect

# ANCHOR: read
# 3. The same timeout limits recv: the first client reads, nobody sends.
step("settimeout(0.3), recv with nothing sent")
report(lambda: first.recv(1024))
# ANCHOR_END: read

# ANCHOR: write
# 4. ... and send: fill the buffers on both ends without waiting, then send more.
first.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
chunk = bytes(64 * 1024)
sent = 0
first.setblocking(False)
try:
    while sent <= 64 << 20:
        sent += first.send(chunk)
except BlockingIOError:
    pass
first.settimeout(0.3)
step(f"settimeout(0.3); {sent} bytes fill the buffers; send 64 KiB more")


def fill():
    global sent
    while sent <= 64 << 20:
        sent += first.send(chunk)
    return sent


report(fill)
# ANCHOR_END: write
for s in (first, second, listener):
    s.close()
