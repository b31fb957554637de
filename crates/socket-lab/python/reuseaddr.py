"""reuseaddr: SO_REUSEADDR and TIME_WAIT: can a restarted server bind at once?"""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


# ANCHOR: listener
def listener(reuse):
    """socket() + setsockopt(SO_REUSEADDR, reuse)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, int(reuse))
    return sock
# ANCHOR_END: listener


# ANCHOR: time_wait
def time_wait_port(server):
    """One connection, closed by the server first (its end goes to
    TIME_WAIT); then the listener closes too. Returns the address."""
    addr = server.getsockname()
    client = socket.create_connection(addr)
    conn, _ = server.accept()
    conn.close()  # the server closes first
    client.settimeout(1)
    client.recv(1)  # the client sees EOF, and closes too
    client.close()
    server.close()
    time.sleep(0.02)  # lets the last ACK land
    return addr
# ANCHOR_END: time_wait


def with_(reuse):
    return "with SO_REUSEADDR" if reuse else "without"


# ANCHOR: case
# 1-3. The old server with or without the option, one connection it closes
#      first; then the new server binds the same port.
for old, new in ((False, False), (True, True), (False, True)):
    first = listener(old)
    first.bind(("127.0.0.1", 0))
    first.listen()
    addr = time_wait_port(first)
    second = listener(new)
    step(f"old server {with_(old)}, new server {with_(new)}: bind {addr[0]}:{addr[1]} again")
    try:
        second.bind(addr)
# ANCHOR_END: case
        say("ok: bound while the old connection is in TIME_WAIT")
    except OSError as err:
        say(f"{err!r}: the TIME_WAIT connection holds the port")
    second.close()
say("setsockopt chose the option for each socket (Rust: socket2; std's bind gives no choice)")

# 4. Python's socket() does not set the option. asyncio's start_server sets
#    it on Unix; socketserver only with allow_reuse_address = True (off in
#    TCPServer and ThreadingTCPServer, on in http.server).
plain = socket.socket()
step(f"a plain socket.socket(): SO_REUSEADDR = {plain.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)}")
say("set it before bind() in every server: sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)")
plain.close()
