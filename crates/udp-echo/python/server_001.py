"""Lesson 5, seed 001's UDP server: print every datagram, never answer.

Run:  python3 server_001.py [PORT]     (the tutorial's port is 10000)

The tutorial's version receives ONE datagram, then gets stuck in an inner
`while True: input(">>>:")` loop whose sendto() is commented out (it could
not work: recv() does not say who sent the datagram, so there is no address
to answer). It never receives again, and its close() is unreachable. This
version keeps receiving and printing, which is what its output shows.
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 10000

# ANCHOR: bind
# 1. Create a UDP socket.
s = socket.socket(type=socket.SOCK_DGRAM)
# 2. Bind it to loopback and the port.
s.bind(("127.0.0.1", port))
print("listening on %s:%d" % s.getsockname())
# ANCHOR_END: bind

# ANCHOR: loop
while True:
    # ANCHOR: recv
    # 3. recv(): the datagram only, without its sender's address, so this
    #    server cannot answer (recvfrom() would give the address). The
    #    tutorial prints the raw bytes (b'hello'); this prints the text.
    res = s.recv(65507)
    print(res.decode("utf-8", errors="replace"))
    # ANCHOR_END: recv
# ANCHOR_END: loop
