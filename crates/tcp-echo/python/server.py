"""Lesson 1 server (seed 000, case 1): one client, one message, one reply.

Run:  python3 server.py [PORT]     (the tutorial's port is 9999)
"""
import socket
import sys

# The tutorial hard-codes 9999; an optional PORT argument lets tests use 0.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

# ANCHOR: bind
# 1. Create a TCP socket (socket() defaults to AF_INET, SOCK_STREAM).
sk = socket.socket()
# 2. Bind it to loopback and the port.
sk.bind(("127.0.0.1", port))
# 3. Listen: the socket now waits for connections.
sk.listen()
# Added to the tutorial: say where we listen (getsockname() shows the real
# port when PORT is 0), in the same words as the Rust server.
print("listening on %s:%d" % sk.getsockname())
print("---服务已经启动---")
# ANCHOR_END: bind

# ANCHOR: accept
# 4. accept() blocks until a client connects; it returns a new socket for
#    that one conversation and the client's (ip, port).
conn, addr = sk.accept()
print("客户端的地址 >>> :", addr)
# ANCHOR_END: accept

# ANCHOR: recv
# 5. Read at most 1024 bytes and turn them into text.
receive_data = conn.recv(1024).decode("utf-8")
print("接收客户端的数据 >>> :", receive_data)
# ANCHOR_END: recv

# ANCHOR: send
# 6. Ask the person at the server for an answer; sendall() wants bytes.
send_data = input("请输入 >>> :")
conn.sendall(send_data.encode("utf-8"))
# ANCHOR_END: send

# ANCHOR: close
# 7. Close the conversation (and, unlike the tutorial, the listener too).
conn.close()
sk.close()
# ANCHOR_END: close
