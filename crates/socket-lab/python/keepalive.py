"""keepalive: SO_KEEPALIVE and its timing; a read timeout as the alternative."""
import socket
import sys
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def sysctl(name):
    try:
        with open(f"/proc/sys/net/ipv4/{name}") as f:
            return int(f.read())
    except OSError:
        return None


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()

# 1. Off by default; the system's defaults apply once it is on.
step(f"a new connection: SO_KEEPALIVE = {client.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)}")
t, i, p = (sysctl(f"tcp_keepalive_{x}") for x in ("time", "intvl", "probes"))
if None not in (t, i, p):
    say(f"Linux defaults: time {t} s, interval {i} s, {p} probes")
    say(f"a dead peer would be noticed after {t} + {i} x {p} = {t + i * p} s")

# ANCHOR: set
# 2. On, with our own timing. The idle-time option is TCP_KEEPIDLE on
#    Linux, TCP_KEEPALIVE on macOS.
IDLE = socket.TCP_KEEPALIVE if sys.platform == "darwin" else socket.TCP_KEEPIDLE
client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
client.setsockopt(socket.IPPROTO_TCP, IDLE, 60)
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 10)
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
# ANCHOR_END: set
step("SO_KEEPALIVE on, idle 60 s, interval 10 s, 5 probes, read back:")
on = client.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
t, i, p = (client.getsockopt(socket.IPPROTO_TCP, o) for o in (IDLE, socket.TCP_KEEPINTVL, socket.TCP_KEEPCNT))
say(f"SO_KEEPALIVE {on}, time {t} s, interval {i} s, retries {p}")
say(f"a vanished peer is noticed after {t} + {i} x {p} = {t + i * p} s")
step("not shown: the detection itself")
say("on loopback the peer's kernel answers every probe; making a host vanish needs root")

# ANCHOR: timeout
# 3. What most protocols do instead: a read timeout (and a heartbeat
#    message the peer must answer within it).
client.settimeout(0.3)
started = time.monotonic()
step("the alternative: a read timeout of 0.3 s on a silent connection")
try:
    client.recv(16)
except TimeoutError as err:
    say(f"recv -> {err!r} after {time.monotonic() - started:.3f} s: the program decides what silence means")
# ANCHOR_END: timeout
for s in (client, server, listener):
    s.close()
