"""Lesson 8 client: one or many connections on one thread, with asyncio.

Each connection is a task: it sends every message as NAME:text (lesson
4's format, "老王:你好"), reads one answer (at most 1024 bytes) for each,
and prints it with the connection's number. With no messages given, one
connection sends the lines you type ("exit" or the end of input stops);
several connections all send the lines read from stdin.

Run:  python3 client.py [PORT] [--clients N] [--name NAME] [--message TEXT ...]
      (the default port is 9996)
"""
import argparse
import asyncio
import sys
import time

TIMEOUT = 5.0  # seconds to wait for a connection or for an answer

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("port", nargs="?", type=int, default=9996)
parser.add_argument("--clients", type=int, default=1, metavar="N")
parser.add_argument("--name", default="老王")
parser.add_argument("--message", "-m", action="append", default=[], metavar="TEXT")
args = parser.parse_args()
if args.clients > 1 and not args.message:
    # Every connection sends the same lines: read them all first.
    for line in sys.stdin:
        line = line.rstrip("\r\n")
        if line == "exit":
            break
        args.message.append(line)


# ANCHOR: typed
async def next_typed_line():
    # input() would block the thread, and with it every task; run it on a
    # worker thread and await the answer instead.
    loop = asyncio.get_running_loop()
    try:
        line = await loop.run_in_executor(None, input, "message> ")
    except EOFError:
        print()
        return None
    return None if line == "exit" else line
# ANCHOR_END: typed


async def talk(n, messages):
    # ANCHOR: connect
    # 1-2. socket() + connect(), bounded by TIMEOUT.
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", args.port), TIMEOUT)
    print("[%d] connected to %s:%d" % ((n,) + writer.get_extra_info("peername")[:2]))
    # ANCHOR_END: connect
    replies = 0
    while True:
        # ANCHOR: send
        # 3. The next message (given, or typed), with the name in front;
        #    write() queues it, drain() waits until it is on its way.
        if messages is None:
            message = await next_typed_line()
        else:
            message = messages[replies] if replies < len(messages) else None
        if message is None:
            break
        writer.write((args.name + ":" + message).encode("utf-8"))
        await writer.drain()
        # ANCHOR_END: send

        # ANCHOR: recv
        # 4. One read of at most 1024 bytes, bounded by TIMEOUT.
        data = await asyncio.wait_for(reader.read(1024), TIMEOUT)
        if not data:
            raise ConnectionError("the server closed the connection before replying")
        reply = data.decode("utf-8", errors="replace")
        if reply.startswith("server busy:"):
            raise ConnectionError("the server turned this client away: " + reply)
        print("[%d] reply: %s" % (n, reply))
        replies += 1
        # ANCHOR_END: recv

    # ANCHOR: close
    # 5. Close the connection.
    writer.close()
    await writer.wait_closed()
    # ANCHOR_END: close
    return replies


async def main():
    # ANCHOR: run
    # One task per connection, all on this thread; gather() waits for all.
    started = time.monotonic()
    messages = args.message or None
    results = await asyncio.gather(
        *(talk(n, messages) for n in range(1, args.clients + 1)),
        return_exceptions=True)
    elapsed = time.monotonic() - started
    replies = sum(r for r in results if isinstance(r, int))
    failed = [(n, r) for n, r in enumerate(results, 1) if isinstance(r, BaseException)]
    # The summary, unless no connection got anywhere (the error says it all).
    if len(failed) < args.clients:
        print("done: %s, %s in %.1f ms" % (
            "1 client" if args.clients == 1 else "%d clients" % args.clients,
            "1 reply" if replies == 1 else "%d replies" % replies,
            elapsed * 1000))
    if failed:
        n, err = failed[0]
        why = "timed out" if isinstance(err, asyncio.TimeoutError) else str(err)
        print("error: %d of %d connections failed; the first, [%d]: %s"
              % (len(failed), args.clients, n, why), file=sys.stderr)
        sys.exit(1)
    # ANCHOR_END: run


asyncio.run(main())
