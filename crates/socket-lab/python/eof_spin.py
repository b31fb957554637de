"""eof-spin: the tutorials' loop after the client leaves (scripted replies)."""
import socket
import time

TURNS = 4
n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


# ANCHOR: loop
def serve(conn, replies, after_first=lambda: None):
    """The tutorial's loop, with replies[turn] instead of input(). A failed
    send ends it; after_first() runs after turn 1."""
    conn.settimeout(1)
    for turn, reply in enumerate(replies, start=1):
        data = conn.recv(1024)  # no `if not data: break`
        try:
            sent = repr(conn.send(reply))
        except OSError as err:
            say(f"turn {turn}: recv -> {data!r}; send({reply!r}) -> {err!r}")
            say("the send raised: that ends the loop")
            return
        say(f"turn {turn}: recv -> {data!r}; send({reply!r}) -> {sent}")
        if turn == 1:
            after_first()
        time.sleep(0.02)  # the person typing the next reply
# ANCHOR_END: loop


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
addr = listener.getsockname()
replies = [f"reply {i}".encode() for i in range(1, TURNS + 1)]

step('a client sends b"hi", reads one reply and closes; the server loops on')
client = socket.create_connection(addr)
client.settimeout(1)
client.sendall(b"hi")
conn, _ = listener.accept()


def client_leaves():
    client.recv(64)
    client.close()


serve(conn, replies, client_leaves)
conn.close()

step("the same loop, but every reply is empty (the person just presses Enter)")
client = socket.create_connection(addr)
conn, _ = listener.accept()
client.close()
serve(conn, [b""] * TURNS)
say(f"no error ever: without the bound of {TURNS} turns this spins for ever")
conn.close()

step("a client that half-closes (shutdown(SHUT_WR)) and stays connected")
client = socket.create_connection(addr)
conn, _ = listener.accept()
client.shutdown(socket.SHUT_WR)
serve(conn, replies)
say("every send is accepted (the client could still read them): endless too")
say("the fix is the line the tutorial lacks: if not data: break")
for s in (client, conn, listener):
    s.close()
