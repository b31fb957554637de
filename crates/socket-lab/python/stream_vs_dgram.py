"""stream-vs-dgram: SOCK_STREAM keeps no message boundaries, SOCK_DGRAM keeps every one."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


MESSAGES = [b"one", b"two", b"three"]

# ANCHOR: stream
# 1. TCP: three separate sends of 3, 3 and 5 bytes.
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
conn, _ = listener.accept()
for message in MESSAGES:
    client.sendall(message)
step('TCP: three send() calls: "one", "two", "three" (3 + 3 + 5 bytes)')

# 2. Wait (at most 1 s) until all 11 bytes have arrived, then read once.
deadline = time.monotonic() + 1
while len(conn.recv(64, socket.MSG_PEEK)) < 11 and time.monotonic() < deadline:
    time.sleep(0.005)
data = conn.recv(1024)
step(f"one recv(1024) returns {len(data)} bytes: {data!r}")
# ANCHOR_END: stream

# ANCHOR: dgram
# 3. UDP: three sendto's of the same three messages.
receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for message in MESSAGES:
    sender.sendto(message, receiver.getsockname())
step("UDP: three sendto() calls with the same three messages")

# 4. Each recvfrom returns exactly one datagram; a fourth finds nothing.
receiver.settimeout(0.2)
got = []
try:
    while len(got) <= len(MESSAGES):
        data, _ = receiver.recvfrom(1024)
        got.append(data)
except TimeoutError as err:
    fourth = err
step("recvfrom(1024) three times: " + ", ".join(f"{d!r} ({len(d)} bytes)" for d in got))
say(f"a fourth recvfrom waits and times out ({type(fourth).__name__}): one datagram per send, never merged")
# ANCHOR_END: dgram
