"""broadcast: SO_BROADCAST, the permission to send to a broadcast address."""
import socket
import subprocess

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


LOOPBACK_BROADCAST = "127.255.255.255"

# ANCHOR: refused
# 1. Without SO_BROADCAST: sendto a broadcast address fails on this machine.
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sender.bind(("127.0.0.1", 0))
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
step(f"sendto 255.255.255.255 and 127.255.255.255 without SO_BROADCAST (SO_BROADCAST = {sender.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST)})")
for where in ("255.255.255.255", LOOPBACK_BROADCAST):
    try:
        sender.sendto(b"hello?", (where, port))
        say(f"{where}: sent (this system does not ask for SO_BROADCAST)")
    except PermissionError as err:
        say(f"{where}: PermissionError, errno {err.errno}: refused locally, nothing was sent")
# ANCHOR_END: refused

step("which interfaces have a broadcast address (ip -o -4 addr)")
try:
    listing = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        words = line.split()
        if "brd" in words:
            print(f"this machine: {words[1]} has broadcast {words[words.index('brd') + 1]}: not used, a broadcast there reaches every host on its link")
except OSError:
    print("this machine: no `ip` command to list interfaces")
say("this topic broadcasts only on the loopback: 127.255.255.255 never leaves the machine")

# ANCHOR: receivers
# 2. Two receivers on the loopback broadcast address, the same port.
receivers = []
try:
    for _ in range(2):
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        r.bind((LOOPBACK_BROADCAST, port))
        r.settimeout(0.5)
        receivers.append(r)
except OSError as err:
    print(f"not here: cannot bind {LOOPBACK_BROADCAST} ({err}): this loopback has no broadcast address")
    raise SystemExit(0)
step(f"two receivers bind {LOOPBACK_BROADCAST}:{port} (SO_REUSEADDR on both)")
# ANCHOR_END: receivers

# ANCHOR: send
# 3. With SO_BROADCAST: one sendto, and every receiver gets a copy.
sender.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
sent = sender.sendto(b"hello, everyone", (LOOPBACK_BROADCAST, port))
step(f"SO_BROADCAST = 1; sendto {LOOPBACK_BROADCAST}:{port}: {sent} bytes sent")
for i, r in enumerate(receivers, 1):
    try:
        data, sender_addr = r.recvfrom(1024)
        say(f"receiver {i}: {len(data)} bytes from {sender_addr}")
    except TimeoutError:
        say(f"receiver {i}: nothing")
# ANCHOR_END: send
for s in receivers + [sender]:
    s.close()
