"""nodelay: Nagle's algorithm meets delayed ACK (write-write-read)."""
import socket
import struct
import threading
import time

ROUNDS = 5
STALL = 0.030  # a delayed ACK takes 40 ms or more; loopback < 1 ms
n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def recv_exactly(conn, size):
    data = b""
    while len(data) < size:
        piece = conn.recv(size - len(data))
        if not piece:
            raise ConnectionError("closed in the middle of a message")
        data += piece
    return data


def serve(conn):
    """Read a 4-byte big-endian length, then the body, answer b"ok"; until
    the client closes."""
    conn.settimeout(1)
    with conn:
        while prefix := conn.recv(4, socket.MSG_WAITALL):
            recv_exactly(conn, struct.unpack("!I", prefix)[0])
            conn.sendall(b"ok")


# ANCHOR: client
def exchanges(split, nodelay):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    conn, _ = listener.accept()
    server = threading.Thread(target=serve, args=(conn,))
    server.start()
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(nodelay))
    client.settimeout(1)
    body = b"x" * 100
    prefix = struct.pack("!I", len(body))
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        if split:
            client.sendall(prefix)  # sent at once: nothing is in flight
            client.sendall(body)  # Nagle: waits for the prefix's ACK
        else:
            client.sendall(prefix + body)
        recv_exactly(client, 2)
        times.append(time.perf_counter() - started)
    client.close()
    server.join()
    listener.close()
    return times
# ANCHOR_END: client


for what, split, nodelay in (
    ("prefix and body in two sends", True, False),
    ("prefix and body in ONE send", False, False),
    ("two sends, TCP_NODELAY on", True, True),
):
    times = exchanges(split, nodelay)
    step(f"{what}: {ROUNDS} request/reply rounds")
    say("rounds: " + ", ".join("stalled" if t >= STALL else "fast" for t in times))
    say("milliseconds: " + ", ".join(f"{t * 1e3:.1f}" for t in times))
    if split and not nodelay and times[0] < STALL:
        say("round 1 is fast: a new connection ACKs at once at first (quick-ack mode)")
say("stalled = 30 ms or more (a delayed ACK, ~40 ms); fast = under 30 ms (loopback: < 1 ms)")
