"""buffers: SO_RCVBUF / SO_SNDBUF read back, and what a non-reading peer absorbs."""
import socket

n = 0


def step(text):
    global n
    n += 1
    print(f"{n}. {text}")


def say(text):
    print(f"   {text}")


def read_sysctl(name):
    try:
        with open(f"/proc/sys/{name}") as f:
            return int(f.read())
    except OSError:
        return None


def rule(size, got, ceiling, name):
    """What Linux did with a size: doubled, clamped, or raised."""
    if ceiling and size > ceiling and got == 2 * ceiling:
        return f"{got} = 2 x {name} (clamped)"
    if got == 2 * size:
        return f"{got} (doubled)"
    if got > 2 * size:
        return f"{got} (raised to the minimum)"
    return str(got)


# 1. The system's ceilings (Linux only).
rmem_max = read_sysctl("net/core/rmem_max")
wmem_max = read_sysctl("net/core/wmem_max")
step("the ceilings: net.core.rmem_max and net.core.wmem_max")
say(f"rmem_max {rmem_max}, wmem_max {wmem_max}")

# ANCHOR: set
# 2. Set each size and read it back.
sock = socket.socket()
step("set SO_RCVBUF / SO_SNDBUF, read them back")
for size in (1, 4096, 65536, 64 << 20):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
    rcv = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    snd = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    say(f"set {size:>8} -> SO_RCVBUF {rule(size, rcv, rmem_max, 'rmem_max')}; "
        f"SO_SNDBUF {rule(size, snd, wmem_max, 'wmem_max')}")
# ANCHOR_END: set
sock.close()

# ANCHOR: absorb
# 3. A peer that never reads; a non-blocking sender sends until the kernel
#    has no room. Default sizes first, then 4096 on both ends (the
#    listener's SO_RCVBUF is inherited by accepted connections).
for small in (False, True):
    listener = socket.socket()
    if small:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    sender = socket.create_connection(listener.getsockname())
    never_reads, _ = listener.accept()
    if small:
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    sender.setblocking(False)
    queued = 0
    for _ in range(10_000):
        try:
            queued += sender.send(b"x" * 65536)
        except BlockingIOError:
            break
# ANCHOR_END: absorb
    which = "both set to 4096" if small else "default sizes (autotuned)"
    step(f"{which}: BlockingIOError after {queued} bytes")
    for s in (sender, never_reads, listener):
        s.close()
say("that is what send() can hand over before the peer reads: the sender's buffer plus the peer's window")
