"""dup-close: a duplicate handle keeps a connection open; shutdown does not care."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def peer_reads(peer):
    """The peer's view: one recv with a 0.3 s timeout."""
    peer.settimeout(0.3)
    started = time.monotonic()
    try:
        result = repr(peer.recv(16))
    except TimeoutError:
        result = "TimeoutError"
    return f"{result} after {time.monotonic() - started:.3f} s"


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
addr = listener.getsockname()

# ANCHOR: dup
# 1. dup() and close(), then shutdown(SHUT_WR) on the duplicate.
peer = socket.create_connection(addr)
conn, _ = listener.accept()
duplicate = conn.dup()
conn.close()
step("server: duplicate = conn.dup(), then conn.close()")
say(f"peer's recv -> {peer_reads(peer)}: no FIN, the duplicate keeps it open")
duplicate.shutdown(socket.SHUT_WR)
# ANCHOR_END: dup
step("server: duplicate.shutdown(SHUT_WR) (still holding it)")
say(f"peer's recv -> {peer_reads(peer)}")
duplicate.close()
peer.close()

# ANCHOR: makefile
# 2. makefile() and close(): the file object keeps the socket open.
peer = socket.create_connection(addr)
conn, _ = listener.accept()
reader = conn.makefile("rb")
conn.close()
step("server: reader = conn.makefile('rb'), then conn.close()")
say(f"peer's recv -> {peer_reads(peer)}: no FIN, the file keeps it open")
reader.close()
# ANCHOR_END: makefile
step("server: reader.close() (the last reference)")
say(f"peer's recv -> {peer_reads(peer)}")

for s in (peer, listener):
    s.close()
