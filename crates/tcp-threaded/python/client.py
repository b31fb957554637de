"""Lesson 4 client (seed 000, case 2): every message starts with "老王:".

Type lines to send; "exit" (or the end of input) quits.

Run:  python3 client.py [PORT]     (the tutorial's port is 9998)
"""
import socket
import sys

# The tutorial hard-codes 9998; an optional PORT argument lets tests pick one.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9998

# ANCHOR: connect
# 1. Create a TCP socket.
sk = socket.socket()
# 2. Connect to the server.
sk.connect(("127.0.0.1", port))
print("服务端连接成功")
# ANCHOR_END: connect

while True:
    # ANCHOR: send
    # 3. Put the name in front of the typed line; "exit" leaves the loop.
    #    An empty line is still sent, as "老王:". End of input also leaves
    #    (the tutorial's input() would raise EOFError).
    try:
        send_data = "老王:" + input("请输入 >>> :")
    except EOFError:
        print()
        break
    if send_data == "老王:" + "exit":
        break
    sk.sendall(send_data.encode("utf-8"))
    # ANCHOR_END: send

    # ANCHOR: recv
    # 4. Read the answer: at most 1024 bytes in one recv(). b"" means the
    #    server closed the connection; the tutorial printed an empty answer
    #    and carried on, here the client stops.
    server_data = sk.recv(1024)
    if not server_data:
        print("the server closed the connection")
        break
    print("接收服务端的数据 >>> :", server_data.decode("utf-8", errors="replace"))
    # ANCHOR_END: recv

# ANCHOR: close
# 5. Close the socket.
sk.close()
# ANCHOR_END: close
