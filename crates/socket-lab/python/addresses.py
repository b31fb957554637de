"""addresses: sendto/recvfrom, getsockname/getpeername, fileno."""
import socket

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


# ANCHOR: sendto
# 1. Two UDP sockets; sendto names the destination, recvfrom reports the sender.
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.bind(("127.0.0.1", 0))
b.settimeout(1)
sent = a.sendto(b"hello", b.getsockname())
data, sender = b.recvfrom(1024)
step(f"a = {a.getsockname()}, b = {b.getsockname()}: a.sendto(b\"hello\", b) returned {sent}")
say(f"b.recvfrom(1024) -> ({len(data)} bytes, {sender}): the sender is a's getsockname()")
# ANCHOR_END: sendto

# ANCHOR: peer
# 2. getpeername on an unconnected UDP socket: there is no peer.
step("a.getpeername() before connect()")
try:
    a.getpeername()
except OSError as err:
    say(f"OSError, errno {err.errno}")

# 3. connect() a UDP socket: it only records the peer (nothing is sent).
a.connect(b.getsockname())
step(f"a.connect(b), then a.getpeername() = {a.getpeername()}; a.send() needs no address now")
# ANCHOR_END: peer

# ANCHOR: implicit
# 4. A socket that never called bind().
fresh = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
before = fresh.getsockname()
fresh.sendto(b"hi", b.getsockname())
step(f"an unbound UDP socket: getsockname() = {before[0]}:{before[1]}")
say(f"after its first sendto: {fresh.getsockname()}: the system bound it to a free port")
b.recvfrom(1024)
# ANCHOR_END: implicit

# ANCHOR: fileno
# 5. fileno(): the operating system's number for the socket.
step(f"a.fileno(), b.fileno() = {a.fileno()}, {b.fileno()}: small integers, like any open file's")

# 6. A closed socket's number is free again: the next socket gets it.
first = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
number = first.fileno()
first.close()
second = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
step(f"close a socket, open another: same number again: {second.fileno() == number}")
# ANCHOR_END: fileno
for s in (a, b, fresh, second):
    s.close()
