"""Lesson 2 server (seed 002, "tcp改进示例"): many messages per client.

Talks with one client until it leaves, then accepts the next. Each answer
is typed at the ">>>" prompt; the end of input (Ctrl-D) stops the server.

Run:  python3 server.py [PORT]     (the tutorial's port is 8081)
"""
import codecs
import socket
import sys

# The tutorial hard-codes 8081; an optional PORT argument lets tests use 0.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081

# ANCHOR: bind
# 1. Create a TCP socket.
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 2. Bind it to loopback and the port.
s.bind(("127.0.0.1", port))
# 3. Listen: up to 5 clients may queue while we talk with one.
s.listen(5)
# Added to the tutorial: say where we listen, in the same words as the Rust.
print("listening on %s:%d" % s.getsockname())
# ANCHOR_END: bind

typing_done = False
while not typing_done:
    # ANCHOR: accept
    # 4. accept() waits for the next client; it returns a new socket for
    #    this one conversation and the client's (ip, port).
    conn, addr = s.accept()
    print("接到来自%s的电话" % addr[0])
    # ANCHOR_END: accept

    # Added: one incremental decoder per connection, so a character cut in
    # two by one recv() is completed by the next (plain .decode() raises).
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while True:
        # ANCHOR: recv
        # 5. Read at most 1024 bytes. b"" means the client has closed. The
        #    tutorial never checked: once a client left, recv() returned b""
        #    at once, every time, and the server printed empty messages and
        #    asked for replies to nobody until its second reply raised
        #    BrokenPipeError and killed it (the EOF spin).
        try:
            msg = conn.recv(1024)
        except ConnectionError as err:
            # Added: a client that resets ends its conversation, not the server.
            print("lost %s:%d: %s" % (addr[0], addr[1], err))
            break
        if not msg:
            print("%s:%d left" % addr)
            break
        print(decoder.decode(msg), type(msg))
        # ANCHOR_END: recv

        # ANCHOR: send
        # 6. Type the answer and send all of it. The tutorial named it `str`,
        #    hiding Python's str(). An empty answer would send nothing and
        #    leave the client waiting for ever, so it is asked again; the end
        #    of input stops the server (the tutorial crashed with EOFError).
        try:
            reply = input(">>>")
            while not reply:
                reply = input(">>>")
        except EOFError:
            typing_done = True
            break
        try:
            conn.sendall(reply.encode("utf-8"))
        except ConnectionError as err:
            print("lost %s:%d: %s" % (addr[0], addr[1], err))
            break
        # ANCHOR_END: send

    # ANCHOR: close
    # 7. Close this conversation; the loop goes back to accept().
    conn.close()
    # ANCHOR_END: close

# Added: the tutorial's loop never ended, so it never closed the listener.
s.close()
