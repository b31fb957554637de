"""inet6: AF_INET6 on ::1, and one listener on :: for both families."""
import socket

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


# ANCHOR: loopback
# 1. AF_INET6 on the IPv6 loopback, ::1.
listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
try:
    listener.bind(("::1", 0))
except OSError as err:
    print(f"not here: no IPv6 loopback (bind [::1]:0 failed: {err}); nothing to show")
    raise SystemExit(0)
listener.listen()
client = socket.create_connection(listener.getsockname()[:2])
conn, peer = listener.accept()
step(f"bind [::1]:0 and listen -> {listener.getsockname()}; connect; accept sees {peer}")
say("Python: a 4-tuple (host, port, flowinfo, scope_id)")
# ANCHOR_END: loopback
for s in (client, conn, listener):
    s.close()

# ANCHOR: default
# 2. What this system does when nobody chooses.
probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
default = bool(probe.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
step(f"a new AF_INET6 socket here has IPV6_V6ONLY = {str(default).lower()}")
probe.close()
# ANCHOR_END: default

# ANCHOR: dual
# 3. A dual-stack listener on :: (the option goes between socket() and bind()).
dual = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
dual.bind(("::", 0))
dual.listen(8)
port = dual.getsockname()[1]
v4_client = socket.create_connection(("127.0.0.1", port))
conn, peer = dual.accept()
step(f"IPV6_V6ONLY = 0, bind {dual.getsockname()}: an IPv4 client connects to 127.0.0.1")
say(f"the client is {v4_client.getsockname()}; accept() sees it as {peer}")
# ANCHOR_END: dual
for s in (v4_client, conn, dual):
    s.close()

# ANCHOR: v6only
# 4. The same with IPV6_V6ONLY on: an IPv4 client is refused.
only = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
only.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
only.bind(("::", 0))
only.listen(8)
port = only.getsockname()[1]
step(f"IPV6_V6ONLY = 1, bind {only.getsockname()}: an IPv4 client connects to 127.0.0.1")
v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
code = v4.connect_ex(("127.0.0.1", port))
say(f"refused: connect_ex returned {code}: nothing listens on that port for IPv4")
v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
say(f"an IPv6 client to [::1] on the same port: {'connected' if v6.connect_ex(('::1', port)) == 0 else 'failed'}")
# ANCHOR_END: v6only
for s in (v4, v6, only):
    s.close()
