"""recv-bufsize: recv(1024) returns UP TO 1024 bytes of whatever has arrived."""
import socket
import threading
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def wait_for(conn, want):
    """Wait (peek, 1 s at most) until `want` bytes have arrived."""
    deadline = time.monotonic() + 1
    while len(conn.recv(want, socket.MSG_PEEK)) < want:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only part of {want} bytes arrived within 1 s")
        time.sleep(0.005)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()
server.settimeout(1)

# ANCHOR: glued
# 1. Two sends, then one recv(1024) once both have arrived.
client.sendall(b"hello")
client.sendall(b"world")
wait_for(server, 10)
data = server.recv(1024)
# ANCHOR_END: glued
step('send(b"hello"), send(b"world"), then one recv(1024)')
say(f"recv -> {len(data)} bytes {data!r}: two messages in one recv (粘包)")

# ANCHOR: pieces
# 2. One send of 3000 bytes, read with recv(1024): three pieces.
client.sendall(b"a" * 3000)
wait_for(server, 3000)
sizes = []
while sum(sizes) < 3000:
    sizes.append(len(server.recv(1024)))
# ANCHOR_END: pieces
step("send(3000 bytes) once, then recv(1024) until all arrived")
say(f"recv sizes {sizes}: one message, {len(sizes)} recvs")

# 3. The sender writes one message in two parts: the reader gets what is
#    there so far.
step('the sender writes b"hel", and b"lo" only after the first recv')
first_done = threading.Event()


def writer():
    client.sendall(b"hel")
    first_done.wait(1)
    client.sendall(b"lo")


t = threading.Thread(target=writer)
t.start()
say(f"first recv -> {server.recv(1024)!r}")
first_done.set()
say(f"second recv -> {server.recv(1024)!r}")
t.join()


# ANCHOR: framing
# 4. The cure is framing: read exactly as many bytes as a message has.
def recv_exactly(conn, size):
    data = b""
    while len(data) < size:
        piece = conn.recv(size - len(data))
        if not piece:
            raise ConnectionError("the peer closed in the middle of a message")
        data += piece
    return data


client.sendall(b"helloworld")
first = recv_exactly(server, 5)
second = recv_exactly(server, 5)
# ANCHOR_END: framing
step('framing: recv_exactly(5) twice on b"helloworld"')
say(f"{first!r} then {second!r}: each message whole, however it arrived")
for s in (client, server, listener):
    s.close()
