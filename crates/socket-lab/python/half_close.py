"""half-close: shutdown(SHUT_WR) sends EOF and keeps reading; close ends both."""
import socket
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def outcome(call, *args):
    try:
        return repr(call(*args))
    except OSError as err:
        return repr(err)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()


def pair():
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    client.settimeout(1)
    server.settimeout(1)
    return client, server


# ANCHOR: shutdown
# 1. The client sends its question, then shuts down its sending side.
client, server = pair()
client.sendall(b"question")
client.shutdown(socket.SHUT_WR)
step('client: sendall(b"question"), shutdown(SHUT_WR)')
# 2. The server reads the question, then EOF; it answers and closes.
question, eof = server.recv(64), server.recv(64)
step(f"server: recv -> {question!r}, recv again -> {eof!r} (EOF)")
server.sendall(b"answer")
server.close()
say('the server sends b"answer" and closes')
# 3. The half-closed client still reads the answer, then EOF.
step(f"client: recv -> {client.recv(64)!r}, then {client.recv(64)!r}: it can still read")
# ANCHOR_END: shutdown
client.close()

# ANCHOR: close
# 4. The same with close.
client, server = pair()
client.sendall(b"question")
client.close()
step('client: sendall(b"question"), close()')
question, eof = server.recv(64), server.recv(64)
step(f"server: recv -> {question!r}, recv again -> {eof!r} (EOF: the same as before)")
# 5. The server's answer reaches a closed socket: its kernel resets.
step('server: send(b"answer"), recv, send again')
say(f"send -> {outcome(server.send, b'answer')}: accepted by the server's kernel")
time.sleep(0.02)
after = outcome(server.recv, 64)
say(f"recv -> {after}; send -> {outcome(server.send, b'answer')}")
# ANCHOR_END: close
say("the client's kernel answered the data with RST: the answer was lost")
server.close()
listener.close()
