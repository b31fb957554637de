"""udp-truncate: a datagram longer than the receive buffer."""
import socket
import sys

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
receiver.settimeout(1)
to = receiver.getsockname()
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
big = b"A" * 3000

# ANCHOR: truncate
# 1. A 3000-byte datagram, then a 4-byte one; recvfrom(1024) twice.
sender.sendto(big, to)
sender.sendto(b"next", to)
try:
    first, _ = receiver.recvfrom(1024)
except OSError as err:  # Windows: WSAEMSGSIZE (10040), the rest is lost
    print(f"recvfrom raised {err!r}")
    first = b"A" * 1024
second, _ = receiver.recvfrom(1024)
# ANCHOR_END: truncate
step('sendto(3000 bytes), sendto(b"next"), then recvfrom(1024) twice')
say(f"first -> {len(first)} bytes: the other {len(big) - len(first)} are gone")
say(f"second -> {len(second)} bytes {second!r}: the next datagram, not the rest")

# 2. Peeking with a small buffer is truncated the same way.
sender.sendto(big, to)
peeked = receiver.recv(16, socket.MSG_PEEK)
step(f"sendto(3000 bytes), recv(16, MSG_PEEK) -> {len(peeked)}")
say("peek leaves the datagram queued, but its length says nothing about the size")

# ANCHOR: msg_trunc
# 3. MSG_PEEK | MSG_TRUNC (Linux): recv_into returns the real length, not
#    what fitted. (recv(16, MSG_TRUNC) would hand back a 3000-byte object
#    with only 16 real bytes in it: use recv_into.)
if sys.platform == "linux":
    real = receiver.recv_into(bytearray(16), 16, socket.MSG_PEEK | socket.MSG_TRUNC)
    whole, _ = receiver.recvfrom(real)
# ANCHOR_END: msg_trunc
    step(f"recv_into(16 bytes, MSG_PEEK | MSG_TRUNC) -> {real}")
    say(f"the real size; recvfrom({real}) -> {len(whole)}: whole")
else:
    receiver.recvfrom(65507)
    step("MSG_PEEK | MSG_TRUNC: returns the real size on Linux only (skipped here)")

# ANCHOR: flags
# 4. recvmsg reports the truncation in msg_flags.
sender.sendto(big, to)
data, _, flags, _ = receiver.recvmsg(1024)
# ANCHOR_END: flags
step(f"recvmsg(1024) -> {len(data)}")
say(f"msg_flags & MSG_TRUNC = {bool(flags & socket.MSG_TRUNC)}: the datagram was cut")
say("size the buffer for the largest datagram you accept (65507 bytes for IPv4)")
receiver.close()
sender.close()
