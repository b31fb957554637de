"""Lesson 3 server, first version (seed 004, section 1.3.1).

Serves clients one at a time, ONE message each: accept, read one message,
answer "Hello World", close, accept the next. Clients that connect
meanwhile wait in the listen queue.

Run:  python3 server_once.py [PORT]     (the tutorial's port is 7890)
"""
import sys
# The seed imports everything with `from socket import *`; naming the three
# names used keeps it clear where they come from.
from socket import socket, AF_INET, SOCK_STREAM


def main():
    # The seed hard-codes 7890; an optional PORT argument lets tests use 0.
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7890

    # ANCHOR: bind
    # 1. Create a TCP socket.
    tcp_server_socket = socket(AF_INET, SOCK_STREAM)
    # 2. Bind it. The seed binds "" (every network interface), which puts a
    #    toy server on the whole network; loopback is enough to learn.
    tcp_server_socket.bind(("127.0.0.1", port))
    # 3. Listen: up to 128 clients may queue while we serve one.
    tcp_server_socket.listen(128)
    # Added: say where we listen, in the same words as the Rust server.
    print("listening on %s:%d" % tcp_server_socket.getsockname())
    # ANCHOR_END: bind

    while True:
        # ANCHOR: accept
        # 4. Say we wait, then accept() the next client in the queue.
        print("等待一个新的客户端的到来!")
        new_client_socket, client_addr = tcp_server_socket.accept()
        # (The seed prints 以及, a typo for 已经.)
        print("一个新的客户端已经到来 %s" % str(client_addr))
        # ANCHOR_END: accept

        try:
            # ANCHOR: recv
            # 5. Read ONE message of at most 1024 bytes. errors="replace"
            #    shows bytes that are not UTF-8 as U+FFFD; the seed's plain
            #    decode() raised, and the exception stopped the server.
            recv_data = new_client_socket.recv(1024)
            print("客户端发送过来的请求是: %s" % recv_data.decode("utf-8", errors="replace"))
            # ANCHOR_END: recv

            # ANCHOR: send
            # 6. Answer. sendall() sends every byte; the seed's send() may
            #    send only some of them.
            new_client_socket.sendall("Hello World".encode("utf-8"))
            # ANCHOR_END: send
        except ConnectionError as err:
            # Added: a client that resets ends its own turn, not the server.
            print("lost %s: %s" % (str(client_addr), err))

        # ANCHOR: close
        # 7. Close this client's socket; the loop accepts the next one.
        new_client_socket.close()
        print("已经服务完毕...")
        # ANCHOR_END: close

    # Never reached: the loop above only ends when the process is stopped.
    tcp_server_socket.close()


if __name__ == "__main__":
    main()
