"""inet: an AF_INET (IPv4) TCP connection on 127.0.0.1, and its addresses."""
import socket

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


# ANCHOR: bind
# 1. socket(AF_INET, SOCK_STREAM), bind port 0 (the system picks), listen.
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen()
server_addr = listener.getsockname()
step(f"bind 127.0.0.1:0 and listen -> getsockname() = {server_addr[0]}:{server_addr[1]}")
# ANCHOR_END: bind

# ANCHOR: connect
# 2. connect; accept returns the connection and the client's address.
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(server_addr)
conn, seen_from = listener.accept()
step(f"connect to {server_addr[0]}:{server_addr[1]}, accept")
# ANCHOR_END: connect

# ANCHOR: names
# 3. Each end names itself (getsockname) and the other end (getpeername).
step("getsockname / getpeername on both ends")
say(f"client: sockname {client.getsockname()}  peername {client.getpeername()}")
say(f"server: sockname {conn.getsockname()}  peername {conn.getpeername()}")
say(f"accept() returned the same peer: {seen_from}")

step("what an AF_INET address is")
say(f"Python: a tuple {client.getsockname()!r} (host, port)")
# ANCHOR_END: names

for s in (client, conn, listener):
    s.close()
