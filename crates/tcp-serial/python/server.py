"""Lesson 3 server (seed 004, section 1.3.2): one client at a time, many
messages each, in GBK.

Accepts a client, answers each of its messages with "收到您的信息~" until it
closes, then accepts the next. Clients that connect meanwhile wait: their
connect() succeeds, but nobody reads what they send until it is their turn.

Run:  python3 server.py [PORT]
The seed's 1.3.2 listens on 8080; the lesson's default is 7890 (the port of
sections 1.3 and 1.3.1, and of the Rust programs), so that this server and
`tcp-serial-client --encoding gbk` meet with no arguments.
"""
import sys
from socket import socket, AF_INET, SOCK_STREAM


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7890

    # ANCHOR: bind
    # 1. Create a TCP socket. (The seed names it tcp_sever_socket here and
    #    closes tcp_server_socket at the end: a NameError, were it reached.)
    tcp_server_socket = socket(AF_INET, SOCK_STREAM)
    # 2. Bind it: loopback, where the seed binds "" (every interface).
    tcp_server_socket.bind(("127.0.0.1", port))
    # 3. Listen: up to 128 clients may queue while we serve one.
    tcp_server_socket.listen(128)
    print("listening on %s:%d" % tcp_server_socket.getsockname())
    # ANCHOR_END: bind

    while True:
        # ANCHOR: accept
        # 4. Say we wait, then accept() the next client in the queue.
        print("等待客户的到来...")
        new_socket, client_addr = tcp_server_socket.accept()
        print("检测到 %s 的到来" % str(client_addr))
        # ANCHOR_END: accept

        try:
            while True:
                # ANCHOR: recv
                # 5. Read at most 1024 bytes. b"" means the client closed:
                #    this conversation is over. GBK, as the seed; a character
                #    cut in two by recv() shows as U+FFFD here (the Rust
                #    server carries it over to the next read instead).
                recv_data = new_socket.recv(1024)
                if not recv_data:
                    break
                print("收到信息 %s" % recv_data.decode("gbk", errors="replace"))
                # ANCHOR_END: recv

                # ANCHOR: send
                # 6. Answer every message, in GBK; sendall() sends every byte.
                new_socket.sendall("收到您的信息~".encode("gbk"))
                # ANCHOR_END: send
        except ConnectionError as err:
            # Added: a client that resets ends its own turn, not the server.
            print("lost %s: %s" % (str(client_addr), err))

        # ANCHOR: close
        # 7. Close this client's socket; the loop accepts the next one.
        new_socket.close()
        print("服务完毕...")
        # ANCHOR_END: close

    # Never reached: the loop above only ends when the process is stopped.
    tcp_server_socket.close()


if __name__ == "__main__":
    main()
