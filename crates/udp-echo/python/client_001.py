"""Lesson 5, seed 001's UDP client: send every typed line, expect no answer.

Run:  python3 client_001.py [PORT]     (the tutorial's port is 10000)

The tutorial's loop never ends: the end of input (Ctrl-D) raises EOFError
with a traceback, and its close() is unreachable. Here the end of input
ends the loop, and the socket is closed.
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 10000

# ANCHOR: socket
# 1. The server's address, written on every datagram.
server_address = ("127.0.0.1", port)
# 2. Create a UDP socket.
c = socket.socket(type=socket.SOCK_DGRAM)
# ANCHOR_END: socket

while True:
    try:
        msg = input(">>>:")
    except EOFError:
        break
    # ANCHOR: send
    # 3. sendto(): one datagram per line; no answer is awaited.
    c.sendto(msg.encode("utf-8"), server_address)
    # ANCHOR_END: send

# ANCHOR: close
# 5. Close the socket. (No step 4: this client never waits for an answer.)
c.close()
# ANCHOR_END: close
