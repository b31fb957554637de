"""Lesson 7 server: many clients, ONE thread, non-blocking sockets.

Seed 003 lists setblocking(False): "accept and recv raise once no data is
there". This is where that leads. Every socket is non-blocking, and one
loop asks the selector which sockets are ready, then does only what can be
done without waiting. Each message is answered with the message itself.

Run:  python3 server.py [PORT]     (this lesson's port is 9997)
"""
import codecs
import selectors
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9997

# The tutorials read with recv(1024).
BUF_SIZE = 1024
# The most answer bytes held for one client that does not read them: past
# this, stop reading from it until it has taken them (backpressure).
PENDING_CAP = 64 * 1024
# listen() backlog: connections the kernel completes before accept() takes
# them. The tutorial's 5 makes a crowd wait for retransmitted handshakes;
# 4096 is Linux's own cap (/proc/sys/net/core/somaxconn since Linux 5.4),
# and the kernel lowers a larger number to its cap.
BACKLOG = 4096


class Client:
    """What the loop remembers about one connection between events."""

    def __init__(self, sock, addr):
        self.sock = sock
        self.addr = "%s:%d" % addr[:2]
        # A character split between two reads is completed by the next one.
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        # Answers not sent yet: send() may take only part of them.
        self.pending = bytearray()
        # The client has closed its side: send what is left, then close.
        self.eof = False


clients = {}


def clients_text(n):
    return "1 client" if n == 1 else "%d clients" % n


# ANCHOR: create
# 1. Create the listening socket: socket, bind, listen, and make it
#    non-blocking, so accept() raises BlockingIOError instead of waiting.
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(BACKLOG)
listener.setblocking(False)
print("listening on %s:%d" % listener.getsockname()[:2])
# ANCHOR_END: create

# ANCHOR: register
# 2. One selector watches every socket; first the listener, for reading
#    ("a client is waiting to be accepted").
sel = selectors.DefaultSelector()
sel.register(listener, selectors.EVENT_READ, data=None)
# ANCHOR_END: register


# ANCHOR: accept
# 4. Accept every client that is waiting, until accept() would block.
def accept_all():
    while True:
        try:
            sock, addr = listener.accept()
        except BlockingIOError:
            return
        except InterruptedError:
            continue
        sock.setblocking(False)
        client = Client(sock, addr)
        clients[sock] = client
        sel.register(sock, selectors.EVENT_READ, data=client)
        print(client.addr, "connected (%s now)" % clients_text(len(clients)))
# ANCHOR_END: accept


# ANCHOR: read
# 5. Read what the client sent, until recv() would block. Each read is a
#    message; its answer joins the pending output. A client that does not
#    read its answers is not read from while PENDING_CAP bytes wait. b""
#    means the client closed its side: what is pending still goes out.
def read_all(client):
    while not client.eof and len(client.pending) < PENDING_CAP:
        try:
            data = client.sock.recv(BUF_SIZE)
        except BlockingIOError:
            break
        except InterruptedError:
            continue
        except ConnectionResetError:
            return close(client, "reset the connection")
        except OSError as e:
            return close(client, "was dropped: %s" % e)
        if not data:
            client.eof = True
            break
        if len(data) == BUF_SIZE:
            print("%s: %d bytes arrived (a full read); the rest, if any, "
                  "comes in the next read" % (client.addr, len(data)))
        text = client.decoder.decode(data)
        if text:
            print("from %s:" % client.addr, text)
        client.pending += data
    watch(client)
# ANCHOR_END: read


# ANCHOR: write
# 6. Send as much pending output as the socket takes now; send() returns
#    how many bytes it took, which may be fewer than asked.
def write_some(client):
    while client.pending:
        try:
            sent = client.sock.send(client.pending)
        except BlockingIOError:
            break
        except InterruptedError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return close(client, "reset the connection")
        except OSError as e:
            return close(client, "was dropped: %s" % e)
        del client.pending[:sent]
    watch(client)
# ANCHOR_END: write


# ANCHOR: watch
# Ask for "writable" only while output is pending (a socket is writable
# nearly always: asking for it otherwise wakes the loop again and again),
# and for "readable" only while there is room for more answers.
def watch(client):
    if client.eof and not client.pending:
        return close(client, "closed the connection")
    events = selectors.EVENT_WRITE if client.pending else 0
    if not client.eof and len(client.pending) < PENDING_CAP:
        events |= selectors.EVENT_READ
    sel.modify(client.sock, events, data=client)
# ANCHOR_END: watch


# ANCHOR: close
# 7. Close: stop watching the socket, then close it.
def close(client, why):
    sel.unregister(client.sock)
    client.sock.close()
    del clients[client.sock]
    print(client.addr, why, "(%s now)" % clients_text(len(clients)))
# ANCHOR_END: close


# ANCHOR: serve
# 3. The event loop: wait until some socket is ready, handle each ready
#    one, wait again. Nothing here ever waits for one particular client.
try:
    while True:
        for key, mask in sel.select():
            if key.data is None:
                accept_all()
                continue
            client = key.data
            if mask & selectors.EVENT_READ:
                read_all(client)
            if mask & selectors.EVENT_WRITE and client.sock in clients:
                write_some(client)
except KeyboardInterrupt:
    pass
sel.close()
listener.close()
# ANCHOR_END: serve
