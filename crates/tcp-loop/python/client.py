"""Lesson 2 client (seed 002, "tcp改进示例"): many messages, one connection.

Sends each line typed at the ">>: " prompt and prints the answer. An empty
line is skipped; "quit" (or the end of input) closes the connection.

Run:  python3 client.py [PORT]     (the tutorial's port is 8081)
"""
import socket
import sys

# The tutorial hard-codes 8081; an optional PORT argument lets tests pick one.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081

# ANCHOR: connect
# 1. Create a TCP socket.
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 2. Connect to the server. The tutorial used connect_ex(), which returns an
#    error code that it never checked; connect() raises at once instead.
s.connect(("127.0.0.1", port))
# ANCHOR_END: connect

while True:
    # ANCHOR: input
    # 3. Read a line. An empty one is skipped (sending b"" sends nothing, and
    #    recv() would wait for ever); "quit" ends. The end of input ends too
    #    (the tutorial crashed with EOFError).
    try:
        msg = input(">>: ").strip()
    except EOFError:
        break
    if len(msg) == 0:
        continue
    if msg == "quit":
        break
    # ANCHOR_END: input

    # ANCHOR: send
    # 4. Send the line's UTF-8 bytes; sendall() sends every one of them.
    s.sendall(msg.encode("utf-8"))
    # ANCHOR_END: send

    # ANCHOR: recv
    # 5. Read the answer (at most 1024 bytes) and print it. b"" means the
    #    server hung up: the tutorial printed an empty line and carried on.
    #    A reset (the server closed with our message unread) is a hang-up too.
    try:
        feedback = s.recv(1024)
    except ConnectionResetError:
        feedback = b""
    if not feedback:
        s.close()
        sys.exit("error: the server closed the connection before replying")
    print(feedback.decode("utf-8", errors="replace"))
    # ANCHOR_END: recv

# ANCHOR: close
# 6. Close the socket; the server's recv() returns b"" and it moves on.
s.close()
# ANCHOR_END: close
