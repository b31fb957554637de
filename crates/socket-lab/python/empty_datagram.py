"""empty-datagram: a zero-length UDP datagram is a message, not end-of-stream."""
import socket

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
receiver.settimeout(0.3)
to = receiver.getsockname()
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# ANCHOR: empty
# 1. sendto an empty bytes object: a real datagram, with a header and no data.
sent = sender.sendto(b"", to)
data, sender_addr = receiver.recvfrom(1024)
# ANCHOR_END: empty
step(f'sendto(b"") -> {sent}')
say(f"recvfrom -> ({data!r}, {sender_addr}): a datagram, and a sender")

# ANCHOR: wrong
# 2. The TCP loop copied into UDP code: b"" taken for "closed".
for message in (b"one", b"", b"two"):
    sender.sendto(message, to)
got = []
for _ in range(10):
    data, _ = receiver.recvfrom(1024)
    if not data:
        break  # wrong for UDP: nobody closed anything
    got.append(data)
# ANCHOR_END: wrong
step('send b"one", b"", b"two"; a loop with `if not data: break`')
say(f"the loop received {got} and stopped at the empty datagram")
left, _ = receiver.recvfrom(1024)
say(f"{left!r} was still queued: the loop quit early")

# ANCHOR: right
# 3. A UDP loop ends on its own signal (a "done" message, a timeout); an
#    empty datagram is one more message.
for message in (b"one", b"", b"two", b"bye"):
    sender.sendto(message, to)
got = []
for _ in range(10):
    data, _ = receiver.recvfrom(1024)
    if data == b"bye":
        break
    got.append(data)
# ANCHOR_END: right
step('the same with a loop that stops on b"bye"')
say(f"the loop received {got}: the empty one included")
receiver.close()
sender.close()
