"""connect-ex: a port nobody listens on, and a host that does not exist."""
import errno
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


NO_SUCH_HOST = "no-such-host.invalid"

# 1. Find a port nobody listens on: bind port 0, note the port, close.
probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
step(f"a closed port: bind 127.0.0.1:0, note the port, close: 127.0.0.1:{port}")

# ANCHOR: refused
# 2. connect_ex: the error number, no exception.
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
code = s.connect_ex(("127.0.0.1", port))
s.close()
step(f"connect_ex(('127.0.0.1', {port})) returned {code} ({errno.errorcode.get(code, '?')})")
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.connect(("127.0.0.1", port))
except ConnectionRefusedError as err:
    say(f"connect() raises {type(err).__name__}: errno {err.errno}")
s.close()
# ANCHOR_END: refused

# ANCHOR: unknown
# 3. A name that does not resolve: connect_ex raises anyway.
step(f'connect_ex(("{NO_SUCH_HOST}", 80)): resolve the name first')
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
started = time.monotonic()
try:
    s.connect_ex((NO_SUCH_HOST, 80))
except socket.gaierror as err:
    say(f"raised socket.gaierror after {time.monotonic() - started:.3f} s: {err}")
s.close()
# ANCHOR_END: unknown
