"""Lesson 7 client: several connections, ONE thread, one selector.

Each connection sends every message as "老王:" + text (lesson 4's wire
format) and waits for its answer before sending the next. With one
connection the messages are typed one by one; with more, every line of
input is read first, then all connections run at once.

Run:  python3 client.py [PORT] [CLIENTS]     (port 9997, 1 client)
"""
import os
import selectors
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9997
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
# A server that stops answering is reported after this long, not waited on.
TIMEOUT = 5.0


class Conn:
    """One connection's progress between events."""

    def __init__(self, number, sock):
        self.number = number
        self.sock = sock
        self.sent = 0  # messages sent so far
        self.outgoing = b""  # what send() has not taken yet


def next_message(conn):
    """The next message for conn, or None when it has sent them all."""
    if count == 1:
        try:
            line = input("message> ")
        except EOFError:
            print()
            return None
        return None if line == "exit" else line
    return messages[conn.sent] if conn.sent < len(messages) else None


messages = []
if count > 1:
    for line in sys.stdin:
        if line.rstrip("\n") == "exit":
            break
        messages.append(line.rstrip("\n"))

started = time.monotonic()
replies = 0
sel = selectors.DefaultSelector()

# ANCHOR: connect
# 1. Create every socket, non-blocking, and start connecting: connect_ex()
#    returns at once (EINPROGRESS); the socket turns writable when the
#    handshake is done.
for number in range(1, count + 1):
    sock = socket.socket()
    sock.setblocking(False)
    sock.connect_ex(("127.0.0.1", port))
    sel.register(sock, selectors.EVENT_WRITE, data=Conn(number, sock))
# ANCHOR_END: connect


# ANCHOR: send
# 3. Queue the next message and send what the socket takes now; the rest
#    goes when it is writable again. No message left: close.
def send_next(conn):
    text = next_message(conn)
    if text is None:
        return close(conn)
    conn.sent += 1
    conn.outgoing = ("老王:" + text).encode("utf-8")
    send_some(conn)


def send_some(conn):
    try:
        sent = conn.sock.send(conn.outgoing)
        conn.outgoing = conn.outgoing[sent:]
    except BlockingIOError:
        pass
    # Writable while something is left to send, otherwise readable: the answer.
    events = selectors.EVENT_WRITE if conn.outgoing else selectors.EVENT_READ
    sel.modify(conn.sock, events, data=conn)
# ANCHOR_END: send


# ANCHOR: recv
# 4. Read the answer: everything there is until recv() would block.
def read_reply(conn):
    global replies
    data = b""
    while True:
        try:
            chunk = conn.sock.recv(1024)
        except BlockingIOError:
            break
        except ConnectionResetError:
            # An answer, then a reset: show the answer; none: give up.
            if not data:
                sys.exit("error: [%d] the server reset the connection" % conn.number)
            chunk = b""
        if not chunk and not data:
            sys.exit("error: [%d] the server closed the connection" % conn.number)
        if not chunk:
            break
        data += chunk
    replies += 1
    print("[%d] reply:" % conn.number, data.decode("utf-8", errors="replace"))
    send_next(conn)
# ANCHOR_END: recv


# ANCHOR: close
# 5. Close this connection; the loop ends when none is left.
def close(conn):
    sel.unregister(conn.sock)
    conn.sock.close()
# ANCHOR_END: close


# ANCHOR: loop
# 2. The event loop: wait (at most TIMEOUT) until some socket is ready.
#    A writable socket that is still connecting has just finished the
#    handshake (SO_ERROR says how it went).
connected = set()
while sel.get_map():
    events = sel.select(timeout=TIMEOUT)
    if not events:
        sys.exit("error: no answer from 127.0.0.1:%d within %gs" % (port, TIMEOUT))
    for key, mask in events:
        conn = key.data
        if conn.number not in connected:
            err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                sys.exit("error: cannot connect to 127.0.0.1:%d: %s" % (port, os.strerror(err)))
            connected.add(conn.number)
            print("[%d] connected to 127.0.0.1:%d" % (conn.number, port))
            send_next(conn)
        elif mask & selectors.EVENT_WRITE:
            send_some(conn)
        elif mask & selectors.EVENT_READ:
            read_reply(conn)
# ANCHOR_END: loop

elapsed_ms = (time.monotonic() - started) * 1000
print("done: %s, %s in %.1f ms" % (
    "1 client" if count == 1 else "%d clients" % count,
    "1 reply" if replies == 1 else "%d replies" % replies, elapsed_ms))
