"""Lesson 1 client (seed 000, case 1): send one message, print the reply.

Run:  python3 client.py [PORT]     (the tutorial's port is 9999)
"""
import socket
import sys

# The tutorial hard-codes 9999; an optional PORT argument lets tests pick one.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

# ANCHOR: connect
# 1. Create a TCP socket.
sk = socket.socket()
# 2. Connect to the server (raises ConnectionRefusedError if none listens).
sk.connect(("127.0.0.1", port))
print("服务端连接成功")
# ANCHOR_END: connect

# ANCHOR: send
# 3. Send what the person types, encoded to bytes.
send_data = input("请输入 >>> :")
sk.sendall(send_data.encode("utf-8"))
# ANCHOR_END: send

# ANCHOR: recv
# 4. Read the answer: at most 1024 bytes in one recv().
server_data = sk.recv(1024).decode("utf-8")
print("接收服务端的数据 >>> :", server_data)
# ANCHOR_END: recv

# ANCHOR: close
# 5. Close the socket.
sk.close()
# ANCHOR_END: close
