"""send-vs-sendall: send() may queue fewer bytes than asked; sendall() loops."""
import socket
import threading
import time

MIB = 1 << 20
n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def short(sent, asked):
    return "fewer than asked" if sent < asked else "all of it"


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
addr = listener.getsockname()

# ANCHOR: partial
# 1. A connection whose receiving end never reads; the sender gets a small
#    send buffer and non-blocking mode.
sender = socket.create_connection(addr)
never_reads, _ = listener.accept()
sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
sender.setblocking(False)
data = b"x" * MIB
step("non-blocking sender, SO_SNDBUF 4096, a peer that never reads")

# 2. One send of 1 MiB: it queues what fits and returns that count.
first = sender.send(data)
# ANCHOR_END: partial
step(f"send(1 MiB) once -> {first} bytes: {short(first, MIB)}")
say("the bytes not counted were never sent: the caller must send them again")

# 3. Send again until the kernel has no room left.
step("send again until it fails")
queued = first
for _ in range(1000):
    try:
        queued += sender.send(data)
    except BlockingIOError:
        say(f"BlockingIOError after {queued} bytes queued in all: both buffers are full")
        break
sender.close()
never_reads.close()

# ANCHOR: blocking
# 4. Blocking (the default), a reader that takes 64 KiB every 1 ms: one
#    send of 8 MiB waits until all of it is queued.
sender = socket.create_connection(addr)
slow, _ = listener.accept()
received = []


def read_slowly():
    slow.settimeout(2)
    total = 0
    while data := slow.recv(64 * 1024):
        total += len(data)
        time.sleep(0.001)
    received.append(total)


reader = threading.Thread(target=read_slowly)
reader.start()
big = b"y" * (8 * MIB)
started = time.monotonic()
sent = sender.send(big)
# ANCHOR_END: blocking
step(f"blocking send(8 MiB) to a slow reader -> {sent} (after {time.monotonic() - started:.3f} s)")
say(f"{short(sent, len(big))}: a blocking send waits for room")
sender.close()
reader.join()
say(f"the reader received {received[0]} bytes")

# ANCHOR: timeout
# 5. A timeout (settimeout) and a peer that never reads: Python waits until
#    the socket is writable, then makes ONE send, which queues what fits.
sender = socket.create_connection(addr)
never_reads, _ = listener.accept()
sender.settimeout(0.2)
started = time.monotonic()
sent = sender.send(big)
# ANCHOR_END: timeout
step(f"send(8 MiB) with settimeout(0.2) -> {sent} bytes (after {time.monotonic() - started:.3f} s)")
say(f"{short(sent, len(big))}: Python waited for room once, then sent what fitted")

# 6. sendall is this loop (in C), and raises on the first error.
step("sendall is the loop that handles short counts")
say("while sent < len(data): sent += sock.send(data[sent:])")
try:
    sender.sendall(big)
except TimeoutError:
    say("sendall with a timeout and a peer that never reads: TimeoutError, amount sent unknown")
for s in (sender, never_reads, slow, listener):
    s.close()
