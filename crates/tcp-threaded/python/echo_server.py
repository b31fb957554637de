"""Lesson 4 echo server: server.py's ThreadingTCPServer, answering every
message with the message itself instead of asking for a reply.

The benchmark's Python counterpart of `tcp-threaded-server --echo --quiet`:
it prints nothing per message, so the terminal is never the bottleneck.

Run:  python3 echo_server.py [PORT]     (the tutorial's port is 9998)
"""
import socketserver
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9998


# ANCHOR: handler
# 1. The handler: one instance per client, handle() on the client's thread.
class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            try:
                # ANCHOR: recv
                # 1.1 Read at most 1024 bytes; b"" means the client closed.
                client_data = self.request.recv(1024)
                if not client_data:
                    break
                # ANCHOR_END: recv

                # ANCHOR: reply
                # 1.2 Send the same bytes back.
                self.request.sendall(client_data)
                # ANCHOR_END: reply
            except (ConnectionResetError, BrokenPipeError):
                break
        # ANCHOR: close
        # 1.3 Close this client's socket.
        self.request.close()
        # ANCHOR_END: close


# ANCHOR_END: handler


# ANCHOR: create
# 2. Create the server. Three settings differ from socketserver's defaults:
#    a listen backlog of 128 like Rust's std (the default, 5, makes many
#    clients connecting at once wait for retransmitted handshakes), reuse of
#    the address right after a restart, and daemon threads so the program
#    can be stopped with clients still connected.
class Server(socketserver.ThreadingTCPServer):
    request_queue_size = 128
    allow_reuse_address = True
    daemon_threads = True


server = Server(("127.0.0.1", port), EchoHandler)
print("listening on %s:%d" % server.server_address[:2])
# ANCHOR_END: create

# ANCHOR: serve
# 3. Serve forever: one thread per client. Stop it with Ctrl-C.
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
server.server_close()
# ANCHOR_END: serve
