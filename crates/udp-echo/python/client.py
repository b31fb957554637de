"""Lesson 5 client (seed 002, "udp简单示例"): send one line, print the answer.

Run:  python3 client.py [PORT]     (the tutorial's port is 9000)
"""
import socket
import sys

# The tutorial hard-codes 9000; an optional PORT argument lets tests pick one.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000

# ANCHOR: socket
# 1. The server's address. Nothing connects to it: it is written on every
#    datagram sent.
ip_port = ("127.0.0.1", port)
# 2. Create a UDP socket. The system binds it to a free port on the first
#    sendto().
udp_client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# ANCHOR_END: socket

# ANCHOR: send
# 3. sendto(): the typed line as one datagram, addressed to the server. It
#    succeeds whether or not anything is listening there.
msg = input(">>: ").strip()
udp_client.sendto(msg.encode("utf-8"), ip_port)
# ANCHOR_END: send

# ANCHOR: recv
# 4. recvfrom(): the answer and who sent it. The tutorial waits forever,
#    which hangs if the datagram (or the answer) is lost or no server runs;
#    this waits 2 seconds and says so.
udp_client.settimeout(2)
try:
    back_msg, addr = udp_client.recvfrom(65507)
    print(back_msg.decode("utf-8", errors="replace"), addr)
except socket.timeout:
    print("no answer from %s:%d within 2s" % ip_port, file=sys.stderr)
# ANCHOR_END: recv

# ANCHOR: close
# 5. Close the socket (the tutorial leaves that to the end of the program).
udp_client.close()
# ANCHOR_END: close
