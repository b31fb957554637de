"""unix: AF_UNIX sockets, named by a path in the file system."""
import os
import shutil
import socket
import stat
import tempfile

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


if not hasattr(socket, "AF_UNIX"):
    print("not here: this Python has no AF_UNIX (Windows)")
    raise SystemExit(0)

folder = tempfile.mkdtemp(prefix="socket-lab-unix-")
path = os.path.join(folder, "stream.sock")

# ANCHOR: stream
# 1. A stream listener named by a path: bind creates the file.
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
listener.listen()
step(f"bind {path} and listen: the file exists, is a socket: {stat.S_ISSOCK(os.stat(path).st_mode)}")

# 2. Connect by the same path, send, receive.
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(path)
conn, peer = listener.accept()
client.sendall(b"hello")
data = conn.recv(1024)
step(f"connect, send 5 bytes: the server read {len(data)} bytes {data!r}")
say(f"the listener's address: {listener.getsockname()!r}; the client's, as accept() sees it: {peer!r} (it never bound)")
client.close()
conn.close()
# ANCHOR_END: stream

# ANCHOR: leftover
# 3. Close the listener: the file stays behind.
listener.close()
step(f"close the listener: the file is still there: {os.path.exists(path)}")

# 4. Binding the same path again fails; connecting to the stale file is refused.
step("bind the same path again, and connect to it")
again = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    again.bind(path)
except OSError as err:
    say(f"bind: {type(err).__name__}, errno {err.errno}")
again.close()
again = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    again.connect(path)
except OSError as err:
    say(f"connect: {type(err).__name__}, errno {err.errno}: a file, but nobody listening")
again.close()
# ANCHOR_END: leftover

# ANCHOR: remove
# 5. The cure: remove the file before binding (and when done).
os.remove(path)
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
listener.close()
os.remove(path)
step("remove the file, bind again: works; remove it again when done")
# ANCHOR_END: remove

# ANCHOR: dgram
# 6. Datagrams: each socket binds its own path, and recvfrom names the sender.
a_path, b_path = os.path.join(folder, "a.sock"), os.path.join(folder, "b.sock")
a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a.bind(a_path)
b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
b.bind(b_path)
b.settimeout(1)
a.sendto(b"one", b_path)
a.sendto(b"two", b_path)
d1, sender = b.recvfrom(1024)
d2, _ = b.recvfrom(1024)
step(f"datagrams: a.sock sends \"one\" and \"two\" to b.sock: two recvfrom of {len(d1)} and {len(d2)} bytes, from {sender!r}")
a.close()
b.close()
# ANCHOR_END: dgram

shutil.rmtree(folder)
step("remove the temporary directory")
