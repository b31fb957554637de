"""udp-unreachable: sending to a UDP port nobody listens on."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def outcome(call, *args):
    """What a call returned, or the exception it raised."""
    try:
        return repr(call(*args))
    except TimeoutError:
        return "TimeoutError"
    except OSError as err:
        return repr(err)


# 1. A port nobody listens on: bind port 0, note the port, close.
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.bind(("127.0.0.1", 0))
dead = probe.getsockname()
probe.close()
step(f"a UDP port nobody listens on: {dead[0]}:{dead[1]}")

# ANCHOR: unconnected
# 2. Unconnected: sendto succeeds, and the ICMP answer is dropped.
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.3)
first = outcome(sock.sendto, b"anyone?", dead)
second = outcome(sock.sendto, b"anyone?", dead)
step("unconnected socket: sendto twice, then recvfrom (0.3 s timeout)")
say(f"sendto -> {first}, then {second}")
say(f"recvfrom -> {outcome(sock.recvfrom, 1024)}: the ICMP was ignored")
# ANCHOR_END: unconnected
sock.close()

# ANCHOR: connected
# 3. Connected (connect() only records the peer): the ICMP error is kept
#    for the socket's next call.
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.3)
sock.connect(dead)
step("connected socket: send, then recv")
say(f"send -> {outcome(sock.send, b'anyone?')}")
say(f"recv -> {outcome(sock.recv, 1024)}: the refusal, reported late")
# ANCHOR_END: connected

# 4. The error goes to whichever call comes next, even a send.
sent = outcome(sock.send, b"anyone?")
time.sleep(0.05)
again = outcome(sock.send, b"anyone?")
step("send, wait 50 ms, send again, then recv")
say(f"send -> {sent}, then {again}")
say(f"recv -> {outcome(sock.recv, 1024)}: each error is reported once")
sock.close()
