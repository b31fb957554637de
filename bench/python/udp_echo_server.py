"""UDP echo server for the benchmark: the Python side of "UDP echo, Rust vs
Python".

The lesson's python/server.py answers every datagram with "hello" (seed 002);
this one sends each datagram back unchanged, like `udp-echo-server` does by
default, and otherwise does the same work per datagram: recvfrom, print the
sender and the text (one line, flushed, as Rust's stdout does), sendto.
With --quiet it prints nothing per datagram, like `udp-echo-server --quiet`;
the benchmark passes --quiet to both, so it measures the servers, not their
output.

Run:  python3 udp_echo_server.py [PORT] [--quiet]
"""
import socket
import sys

args = [a for a in sys.argv[1:] if a != "--quiet"]
quiet = "--quiet" in sys.argv[1:]
port = int(args[0]) if args else 9000

# 1. A UDP socket bound to loopback; the first line names the real port.
udp_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp_server.bind(("127.0.0.1", port))
print("listening on %s:%d" % udp_server.getsockname(), flush=True)

# 2. Receive a whole datagram (65507 bytes is the largest over IPv4), report
#    it, send it back to whoever sent it. Forever: stop it with a signal.
while True:
    msg, addr = udp_server.recvfrom(65507)
    if not quiet:
        text = msg.decode("utf-8", errors="replace")
        print("received from %s:%d: %s" % (addr[0], addr[1], text), flush=True)
    udp_server.sendto(msg, addr)
