"""Lesson 6 server (seed 002, "udp聊天器示例"): one contact of the chat.

Run:  python3 server.py [PORT]     (the tutorial's port is 8081; start one
                                    per contact: 8081, 8082, 8083, 8084)

Changes to the tutorial, each marked below: the end of input stops the
server instead of an EOFError traceback; it reads up to 65507 bytes
instead of 1024; bytes that are not UTF-8 do not crash it.
"""
import socket
import sys

# The tutorial hard-codes 8081; an optional PORT argument lets tests use 0.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081

# ANCHOR: bind
# 1. Create a UDP socket.
udp_server_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# 2. Bind it to loopback and this contact's port.
udp_server_sock.bind(("127.0.0.1", port))
print("listening on %s:%d" % udp_server_sock.getsockname())
# ANCHOR_END: bind

# ANCHOR: loop
while True:
    # ANCHOR: recv
    # 3. recvfrom(): one message and who sent it. 1024 bytes, as in the
    #    tutorial, would silently cut longer messages.
    qq_msg, addr = udp_server_sock.recvfrom(65507)
    text = qq_msg.decode("utf-8", errors="replace")  # never crash on bad bytes
    print("来自[%s:%s]的一条消息:%s" % (addr[0], addr[1], text))
    # ANCHOR_END: recv

    # ANCHOR: send
    # 4. The person at the server types the answer; it goes back to the
    #    address recvfrom() returned. The end of input stops the server.
    try:
        back_msg = input("回复消息: ").strip()
    except EOFError:
        break
    udp_server_sock.sendto(back_msg.encode("utf-8"), addr)
    # ANCHOR_END: send
# ANCHOR_END: loop

udp_server_sock.close()
