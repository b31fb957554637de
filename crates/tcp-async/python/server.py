"""Lesson 8 server: many clients on one thread, with asyncio streams.

Every client gets a coroutine of its own (a task). A task that waits for
its client -- `await reader.read(1024)` -- gives the thread back to the
event loop, which runs whichever other task has something to do. One
thread, no select() written by hand: asyncio does the waiting.

Every message is answered with itself (echo). Ctrl-C or SIGTERM stops the
server: no new clients, each client's current message is answered, then
every connection is closed.

Run:  python3 server.py [PORT]     (the default port is 9996)
"""
import asyncio
import codecs
import signal
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9996

# listen() backlog: how many finished handshakes may wait for accept().
# The tutorials' listen(5), or asyncio's default of 100, is too few for a
# burst of clients: Linux drops the handshakes it has no room for, and each
# of those clients retries a second later. Linux caps whatever is asked at
# net.core.somaxconn (4096 since Linux 5.4).
BACKLOG = 4096
# How long a stopping server waits for clients to finish their message.
GRACE = 5.0

clients = set()  # the tasks of the clients connected now
served = {"clients": 0, "messages": 0}
stopping = None  # an asyncio.Event, set by Ctrl-C or SIGTERM
why = []  # which signal stopped us


def clients_text(n):
    return "1 client" if n == 1 else "%d clients" % n


async def main():
    global stopping
    stopping = asyncio.Event()
    # Ctrl-C and SIGTERM set `stopping`. Installed before the listening
    # line, so a signal sent as soon as it appears is never missed.
    loop = asyncio.get_running_loop()
    for sig, name in ((signal.SIGINT, "Ctrl-C (SIGINT)"), (signal.SIGTERM, "SIGTERM")):
        try:
            loop.add_signal_handler(sig, lambda name=name: (why.append(name), stopping.set()))
        except NotImplementedError:
            pass  # Windows: Ctrl-C raises KeyboardInterrupt instead (see below)

    # ANCHOR: create
    # 1. start_server(): socket, bind, listen, as one call. On Unix asyncio
    #    also sets SO_REUSEADDR, so a restart does not fail with "Address
    #    already in use".
    server = await asyncio.start_server(handle_client, "127.0.0.1", port, backlog=BACKLOG)
    print("listening on %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
    # ANCHOR_END: create

    # ANCHOR: serve
    # 2. Serve until Ctrl-C or SIGTERM: the event loop accepts clients and
    #    runs their tasks by itself; this coroutine only waits for the stop.
    await stopping.wait()
    # ANCHOR_END: serve

    # ANCHOR: shutdown
    # 4. Stop: close the listening socket (no new clients), let every
    #    client's current message finish, wait at most GRACE seconds.
    server.close()
    busy = set(clients)
    print("%s: no new clients; %s finishing" % (why[0], clients_text(len(busy))))
    if busy:
        _, late = await asyncio.wait(busy, timeout=GRACE)
        for task in late:
            task.cancel()
        if late:
            print("%s still busy after %gs: closed" % (clients_text(len(late)), GRACE))
    n = served["messages"]
    print("stopped: %s served, %s answered" % (
        clients_text(served["clients"]), "1 message" if n == 1 else "%d messages" % n))
    # ANCHOR_END: shutdown


# ANCHOR: handler
# 3. One coroutine per client; start_server() runs each in a task of its
#    own, and every task runs on this one thread.
async def handle_client(reader, writer):
    addr = "%s:%d" % writer.get_extra_info("peername")[:2]
    me = asyncio.current_task()
    clients.add(me)
    served["clients"] += 1
    print(addr, "connected (%s now)" % clients_text(len(clients)))
    # A character split between two reads is completed by the next one.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    goodbye = "closed the connection"
    try:
        while True:
            # ANCHOR: recv
            # 3.1 await reader.read(1024): this task sleeps until bytes come,
            #     and the loop serves the other clients meanwhile. It also
            #     wakes when the server is stopping (whichever comes first;
            #     bytes that are already here win, and get their answer).
            read = asyncio.ensure_future(reader.read(1024))
            stop = asyncio.ensure_future(stopping.wait())
            done, _ = await asyncio.wait({read, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if read not in done:
                read.cancel()
                goodbye = "was closed by the server"
                break
            data = read.result()
            if not data:  # b"": the client closed the connection
                break
            if len(data) == 1024:
                print("%s: 1024 bytes arrived (a full read); "
                      "the rest, if any, comes in the next read" % addr)
            print("from %s: %s" % (addr, decoder.decode(data)))
            # ANCHOR_END: recv

            # ANCHOR: reply
            # 3.2 write() only queues the bytes; drain() waits until the
            #     queue is short again. Without it, a client that sends
            #     and never reads makes the queue grow without limit.
            writer.write(data)
            await writer.drain()
            served["messages"] += 1
            # ANCHOR_END: reply
    except (ConnectionResetError, BrokenPipeError):
        goodbye = "reset the connection"
    finally:
        # ANCHOR: close
        # 3.3 Close this client's connection; the other tasks go on.
        clients.discard(me)
        writer.close()
        print(addr, goodbye, "(%s now)" % clients_text(len(clients)))
        # ANCHOR_END: close


# ANCHOR_END: handler


try:
    asyncio.run(main())
except KeyboardInterrupt:
    print("stopped")
