"""raw-icmp: an ICMP echo ("ping") to 127.0.0.1, built by hand."""
import socket
import struct
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


ID = 0x1AB


# ANCHOR: build
def checksum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(ident, seq, payload):
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    sum_ = checksum(header + payload)
    return struct.pack("!BBHHH", 8, 0, sum_, ident, seq) + payload
# ANCHOR_END: build


def ping(sock, request, want_id):
    """Send to 127.0.0.1; wait at most 0.5 s for an echo reply (type 0)."""
    start = time.monotonic()
    sock.settimeout(0.5)
    sock.sendto(request, ("127.0.0.1", 0))
    while time.monotonic() - start < 0.5:
        packet, _ = sock.recvfrom(1500)
        icmp = packet[(packet[0] & 0x0F) * 4:] if packet[0] >> 4 == 4 else packet
        if len(icmp) >= 8 and icmp[0] == 0 and want_id in (0, struct.unpack("!H", icmp[4:6])[0]):
            return packet, time.monotonic() - start
    raise TimeoutError("no echo reply within 0.5 s")


# 1. Build the echo request: type 8, code 0, checksum, id, seq, payload.
request = echo_request(ID, 1, b"socket-lab")
step(f"build an ICMP echo request: type 8, code 0, id {ID:#x}, seq 1, {len(request)} bytes, checksum {struct.unpack('!H', request[2:4])[0]:#06x}")

# ANCHOR: raw
# 2. socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): root or CAP_NET_RAW only.
try:
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("this machine: raw sockets allowed (root or CAP_NET_RAW)")
    step("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): allowed")
    reply, took = ping(raw, request, ID)
    header = (reply[0] & 0x0F) * 4
    icmp = reply[header:]
    kind, _, _, ident, seq = struct.unpack("!BBHHH", icmp[:8])
    step(f"sendto 127.0.0.1, recvfrom: {len(reply)} bytes = a {header}-byte IP header + ICMP type {kind} (echo reply), id {ident:#x}, seq {seq}, after {took:.3f} s")
    raw.close()
except PermissionError as err:
    print(f"this machine: raw sockets not allowed: errno {err.errno}")
    step(f"socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): PermissionError, errno {err.errno}")
# ANCHOR_END: raw

# ANCHOR: dgram
# 3. socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): no privilege, if the group is allowed.
try:
    with open("/proc/sys/net/ipv4/ping_group_range") as f:
        group_range = " ".join(f.read().split())
except OSError:
    group_range = "unknown"
try:
    dgram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    print("this machine: ICMP datagram sockets allowed for this group")
    step("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): allowed")
    say(f"net.ipv4.ping_group_range = {group_range} includes this group")
    reply, took = ping(dgram, request, 0)
    say(f"sendto 127.0.0.1, recvfrom: {len(reply)} bytes = ICMP type {reply[0]} (echo reply) without an IP header, seq {struct.unpack('!H', reply[6:8])[0]}, after {took:.3f} s")
    dgram.close()
except PermissionError as err:
    print(f"this machine: ICMP datagram sockets not allowed: errno {err.errno}")
    step(f"socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): PermissionError, errno {err.errno}")
    say(f"net.ipv4.ping_group_range = {group_range}: allowed only for groups in that range")
# ANCHOR_END: dgram
