"""Lesson 5 server (seed 002, "udp简单示例"): receive a datagram, answer "hello".

Run:  python3 server.py [PORT]     (the tutorial's port is 9000)

Changes to the tutorial, each marked below: it answers ONE datagram and
exits; this one loops like the Rust server (and seed 001's server), so a
client can send several lines. It reads up to 65507 bytes instead of 1024,
and shows bytes that are not UTF-8 instead of crashing on them.
"""
import socket
import sys

# The tutorial hard-codes 9000; an optional PORT argument lets tests use 0.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000

# ANCHOR: bind
# 1. Create a UDP socket: SOCK_DGRAM means datagrams, not a byte stream.
udp_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# 2. Bind it to loopback and the port. No listen(), no accept(): UDP has no
#    connections, so the socket can now receive from anyone.
udp_server.bind(("127.0.0.1", port))
# Added to the tutorial: say where we listen (getsockname() shows the real
# port when PORT is 0), in the same words as the Rust server.
print("listening on %s:%d" % udp_server.getsockname())
# ANCHOR_END: bind

# ANCHOR: loop
# The tutorial stops after one datagram; serving them forever is the lesson.
while True:
    # ANCHOR: recv
    # 3. recvfrom(): one whole datagram and the sender's (ip, port). The
    #    tutorial's recvfrom(1024) would silently drop everything after the
    #    first 1024 bytes of a longer datagram; 65507 is the largest there is.
    msg, addr = udp_server.recvfrom(65507)
    # decode() alone raises UnicodeDecodeError on bytes that are not UTF-8,
    # which would end the server; "replace" shows them as U+FFFD instead.
    print(msg.decode("utf-8", errors="replace"), addr)
    # ANCHOR_END: recv

    # ANCHOR: send
    # 4. sendto(): the answer goes to the address recvfrom() returned.
    udp_server.sendto("hello".encode("utf-8"), addr)
    # ANCHOR_END: send
# ANCHOR_END: loop
