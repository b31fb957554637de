"""Lesson 6 client (seed 002, "udp聊天器示例"): choose a contact, chat.

Run:  python3 client.py [NAME=PORT ...]

NAME=PORT arguments change (or add) a contact's port on 127.0.0.1, e.g.
`python3 client.py 张三=9001`, so tests can use servers on any port.

Changes to the tutorial, each marked below: an unknown name is refused
when it is chosen (the tutorial accepts it, then silently drops every
message typed to it); an answer is awaited 2 seconds, not forever (a
contact whose server is not running never answers); the end of input
ends the chat instead of an EOFError traceback.
"""
import socket
import sys

# ANCHOR: socket
# 1. One UDP socket for every contact: each sendto() names the address.
udp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# Wait at most 2 seconds for an answer (the tutorial waits forever).
udp_client_socket.settimeout(2)
# ANCHOR_END: socket

# ANCHOR: contacts
# 2. The contact book: one server per person. (Seed 001's version points
#    every name at port 8081, so all of them are the same server.)
qq_name_dic = {
    "张三": ("127.0.0.1", 8081),
    "李四": ("127.0.0.1", 8082),
    "王五": ("127.0.0.1", 8083),
    "赵六": ("127.0.0.1", 8084),
}
# ANCHOR_END: contacts
for arg in sys.argv[1:]:
    name, _, port = arg.partition("=")
    qq_name_dic[name] = ("127.0.0.1", int(port))


def typed(prompt):
    """input() without the surrounding spaces; None at the end of input."""
    try:
        return input(prompt).strip()
    except EOFError:
        return None


finished = False
while not finished:
    # ANCHOR: choose
    # 3. Choose whom to talk to; refuse names that are not in the book.
    qq_name = typed("请选择聊天对象: ")
    if qq_name is None or qq_name == "quit":
        break
    if qq_name not in qq_name_dic:
        print("没有这个聊天对象: %s (可选: %s)" % (qq_name, ", ".join(qq_name_dic)))
        continue
    # ANCHOR_END: choose

    while True:
        msg = typed("请输入消息,回车发送: ")
        if msg is None:
            finished = True
            break
        if msg == "quit":
            break
        if not msg:
            continue
        # ANCHOR: send
        # 4. sendto(): succeeds whether or not the contact's server runs.
        udp_client_socket.sendto(msg.encode("utf-8"), qq_name_dic[qq_name])
        # ANCHOR_END: send

        # ANCHOR: recv
        # 5. recvfrom(): the answer and who sent it, or nothing in time.
        try:
            back_msg, addr = udp_client_socket.recvfrom(65507)
        except (socket.timeout, ConnectionResetError):
            # ConnectionResetError: Windows reports an unreachable port so.
            print("%s 没有回复 (服务器没有运行? UDP 不会告诉你)" % qq_name)
            continue
        text = back_msg.decode("utf-8", errors="replace")
        print("来自[%s:%s]的一条消息:%s" % (addr[0], addr[1], text))
        # ANCHOR_END: recv

# ANCHOR: close
# 6. Close the socket (the tutorial never does).
udp_client_socket.close()
# ANCHOR_END: close
