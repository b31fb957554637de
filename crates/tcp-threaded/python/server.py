"""Lesson 4 server (seed 000, case 2): many clients at once, one thread each.

socketserver.ThreadingTCPServer accepts clients forever and runs the
handler's handle() for each one on a new thread. Replies are typed at the
server, as in the tutorial.

Run:  python3 server.py [PORT]     (the tutorial's port is 9998)
"""
import socketserver
import sys

# The tutorial hard-codes 9998; an optional PORT argument lets tests use 0.
port = int(sys.argv[1]) if len(sys.argv) > 1 else 9998


# ANCHOR: create
# 1. Create the server: socket, bind and listen in one call. ThreadingTCPServer
#    runs every client on a thread (ForkingTCPServer would use processes).
#    Loopback only, like the tutorial.
class Server(socketserver.ThreadingTCPServer):
    # Added to the tutorial: rebinding the port right after a restart works
    # (as with Rust's std, which sets SO_REUSEADDR), and the threads of
    # clients still connected do not keep the program alive once it stops.
    allow_reuse_address = True
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", port), ChatHandler)
    # Added to the tutorial: say where we listen (server_address shows the
    # real port when PORT is 0), in the same words as the Rust server.
    print("listening on %s:%d" % server.server_address[:2])
    # ANCHOR_END: create

    # ANCHOR: serve
    # 2. Serve forever: accept a client, start a thread running its handler,
    #    repeat. It returns only after shutdown() (end of typed input).
    server.serve_forever()
    server.server_close()
    # ANCHOR_END: serve


# ANCHOR: handler
# 3. A handler class: socketserver creates one instance per client and calls
#    its handle() on that client's own thread; self.request is the socket
#    accept() returned, self.client_address the client's (ip, port).
#    (The tutorial numbers this class 1: at module level Python needs it
#    defined before step 1 names it. Inside main() it can come last, in the
#    order things happen.)
class ChatHandler(socketserver.BaseRequestHandler):
    def handle(self):
        addr = "%s:%d" % self.client_address[:2]
        print("聊天服务器上线了", addr)
        while True:
            try:
                # ANCHOR: recv
                # 3.1 Read at most 1024 bytes. b"" means the client closed the
                #     connection. The tutorial never checked: it went on
                #     "receiving" empty messages and asking for replies to
                #     them until a reply failed. Leave the loop instead.
                client_data = self.request.recv(1024)
                if not client_data:
                    print(addr, "closed the connection")
                    break
                # errors="replace": bytes that are not UTF-8 are shown as
                # U+FFFD instead of killing this thread with an exception.
                print("from %s:" % addr, client_data.decode("utf-8", errors="replace"))
                # ANCHOR_END: recv

                # ANCHOR: reply
                # 3.2 Ask the person at the server for the answer. Every
                #     client's thread calls input() at once, so with two
                #     clients waiting there is no telling which one the next
                #     typed line answers: the Rust server's reply desk fixes
                #     this. End of input (EOFError; the tutorial crashed the
                #     thread) means the person is done: close this client and
                #     stop the server.
                try:
                    send_data = input("请输入 >>> :")
                except EOFError:
                    print()
                    print(addr, "was closed: no more typed replies")
                    # shutdown() waits for serve_forever() to return; it must
                    # be called from a thread other than serve_forever's,
                    # and this handler's thread is one.
                    self.server.shutdown()
                    break
                self.request.sendall(send_data.encode("utf-8"))
                # ANCHOR_END: reply
            except (ConnectionResetError, BrokenPipeError):
                # A client that resets (or vanished before our answer).
                print(addr, "reset the connection")
                break
        # ANCHOR: close
        # 3.3 Close this client's socket (socketserver would also do it once
        #     handle() returns).
        self.request.close()
        # ANCHOR_END: close


# ANCHOR_END: handler


if __name__ == "__main__":
    main()
