"""seqpacket: SOCK_SEQPACKET over AF_UNIX: a connection that keeps message boundaries."""
import os
import shutil
import socket
import tempfile

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


# ANCHOR: create
# 1. socket(AF_UNIX, SOCK_SEQPACKET).
try:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
except (AttributeError, OSError) as err:
    print(f"not here: this system has no SOCK_SEQPACKET for AF_UNIX ({err})")
    raise SystemExit(0)
folder = tempfile.mkdtemp(prefix="socket-lab-seqpacket-")
path = os.path.join(folder, "seq.sock")
# ANCHOR_END: create

# ANCHOR: connect
# 2. bind, listen, connect, accept: a connection, as with SOCK_STREAM.
listener.bind(path)
listener.listen(8)
client = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
client.connect(path)
conn, _ = listener.accept()
conn.settimeout(1)
step(f"socket(AF_UNIX, SOCK_SEQPACKET); bind {path}, listen, connect, accept")
# ANCHOR_END: connect

# ANCHOR: messages
# 3. Three sends; each recv returns exactly one of them, even with room for all.
for message in (b"one", b"two", b"three"):
    client.sendall(message)
step('send "one", "two", "three"')
reads = [conn.recv(1024) for _ in range(3)]
step("three reads of up to 1024 bytes: " + ", ".join(f"{r!r} ({len(r)} bytes)" for r in reads))

# 4. The client closes: the next recv returns b"" (end of file), as on a stream.
client.close()
step(f"the client closes: the next read returns {len(conn.recv(1024))} bytes (end of file)")
conn.close()
listener.close()
# ANCHOR_END: messages
shutil.rmtree(folder)
