"""reset: what ends a connection with RST, and what does not."""
import socket
import struct
import subprocess
import sys
import time

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def read_once(conn):
    """One recv with a 1 s timeout: b'' at EOF, or the exception."""
    conn.settimeout(1)
    try:
        return repr(conn.recv(64))
    except OSError as err:
        return repr(err)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
host, port = listener.getsockname()

# ANCHOR: killed
# 1. A child process connects; we kill it (SIGKILL on Unix). The system
#    closes its socket for it, normally.
child_code = (
    "import socket, time\n"
    f"s = socket.create_connection(('{host}', {port}))\n"
    "time.sleep(5)\n"
)
child = subprocess.Popen([sys.executable, "-c", child_code])
listener.settimeout(2)
conn, _ = listener.accept()
child.kill()
child.wait()
# ANCHOR_END: killed
step("a child process connects and is killed (SIGKILL)")
after_kill = read_once(conn)
say(f"our recv -> {after_kill}: " + ("a FIN, not a reset" if after_kill == "b''" else "NOT a plain EOF"))
conn.close()
listener.settimeout(None)

# ANCHOR: unread
# 2. Closing with unread data in the receive buffer sends RST.
client = socket.create_connection((host, port))
server, _ = listener.accept()
client.sendall(b"never read")
time.sleep(0.02)  # let it arrive
server.close()
# ANCHOR_END: unread
step('the peer closes with our b"never read" still unread')
say(f"our recv -> {read_once(client)}")
client.close()

# ANCHOR: linger
# 3. SO_LINGER with a zero timeout, then close: RST instead of FIN.
client = socket.create_connection((host, port))
server, _ = listener.accept()
server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # Windows: "HH"
server.close()
# ANCHOR_END: linger
step("the peer sets SO_LINGER 0 and closes")
say(f"our recv -> {read_once(client)}")
client.close()
listener.close()

# 4. Not shown: a vanished host sends nothing at all.
step("not shown: a host that drops off the network")
say("it sends nothing: an idle recv waits for ever (unless a timeout or keepalive ends it),")
say("and unacknowledged sends end in ETIMEDOUT (TimeoutError) after tcp_retries2 retransmissions")
