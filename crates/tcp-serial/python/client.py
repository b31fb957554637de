"""Lesson 3 client (seed 004, section 1.2), fixed, speaking GBK.

Asks for the server's ip and port, then sends each line typed and prints
the answer; an empty line is skipped, "quit" (or the end of input) closes.

What the seed's client got wrong, and what changed:
- `def main:` is a syntax error: the program never ran. Now `def main():`.
- The port was passed on as the string input() returns; connect() wants an
  int (TypeError). Now int(...).
- It sent one message and never read the answer, so the server's
  "收到您的信息~" went unseen. Now it loops, like lesson 2's client, and
  prints every answer, so section 1.3.2's server can be tried with it.

Run:  python3 client.py      (then type: 127.0.0.1, 7890, messages...)
"""
import sys
from socket import socket, AF_INET, SOCK_STREAM


def main():
    # ANCHOR: connect
    # 1. Create a TCP socket.
    tcp_socket = socket(AF_INET, SOCK_STREAM)
    # 2. Ask where the server is, and connect. The port must be an int.
    #    connect() returns as soon as the server's kernel has queued us,
    #    even while the server is busy with another client.
    server_ip = input("请输入要链接的ip: ")
    server_port = int(input("请输入要链接的port: "))
    tcp_socket.connect((server_ip, server_port))
    # ANCHOR_END: connect

    while True:
        # ANCHOR: input
        # 3. Read a line: empty ones are skipped (sending b"" sends nothing
        #    and recv() would wait for ever); "quit" or the end of input ends.
        try:
            send_data = input("请输入要发送的数据: ").strip()
        except EOFError:
            break
        if not send_data:
            continue
        if send_data == "quit":
            break
        # ANCHOR_END: input

        # ANCHOR: send
        # 4. Send it in GBK, as the seed does. A character GBK lacks (an
        #    emoji, say) becomes "&#128512;" instead of an exception, the
        #    same bytes the Rust encoder sends.
        tcp_socket.sendall(send_data.encode("gbk", errors="xmlcharrefreplace"))
        # ANCHOR_END: send

        # ANCHOR: recv
        # 5. Added: read the answer (at most 1024 bytes) and print it. While
        #    the server serves another client, this recv() waits. b"" means
        #    the server hung up (section 1.3.1's server does after one answer);
        #    so does a reset, which a server sends when it closes with our
        #    message unread.
        try:
            recv_data = tcp_socket.recv(1024)
        except ConnectionResetError:
            recv_data = b""
        if not recv_data:
            tcp_socket.close()
            sys.exit("error: the server closed the connection before replying")
        print(recv_data.decode("gbk", errors="replace"))
        # ANCHOR_END: recv

    # ANCHOR: close
    # 6. Close the socket: the server's recv() returns b"", and it moves on
    #    to the next client.
    tcp_socket.close()
    # ANCHOR_END: close


if __name__ == "__main__":
    main()
