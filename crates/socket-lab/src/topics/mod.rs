//! The topics, one module each, and the table `socket-lab` lists and runs.
//!
//! To add a topic: `pub mod <name>;` below and one [`Topic`] line in
//! [`TOPICS`], in the order the lab lists them (seed 003's order: families,
//! types, then the calls).

use crate::Lab;

pub mod addresses;
pub mod backlog;
pub mod broadcast;
pub mod buffers;
pub mod connect_ex;
pub mod dup_close;
pub mod empty_datagram;
pub mod eof_spin;
pub mod half_close;
pub mod inet;
pub mod inet6;
pub mod keepalive;
pub mod nodelay;
pub mod nonblocking;
pub mod raw_icmp;
pub mod recv_bufsize;
pub mod reset;
pub mod reuseaddr;
pub mod send_vs_sendall;
pub mod seqpacket;
pub mod stream_vs_dgram;
pub mod timeouts;
pub mod udp_truncate;
pub mod udp_unreachable;
pub mod unix;

/// One runnable topic.
pub struct Topic {
    /// What to type: `socket-lab inet`.
    pub name: &'static str,
    /// One line, shown in the list.
    pub summary: &'static str,
    /// Makes the calls and prints each step.
    pub run: fn(&mut Lab) -> anyhow::Result<()>,
}

/// Every topic, in the order `socket-lab` lists them.
pub const TOPICS: &[Topic] = &[
    Topic {
        name: "inet",
        summary: "AF_INET: bind 127.0.0.1:0, connect, getsockname/getpeername show IPv4",
        run: inet::run,
    },
    Topic {
        name: "inet6",
        summary: "AF_INET6 on ::1, a dual-stack listener on :: and IPV6_V6ONLY",
        run: inet6::run,
    },
    Topic {
        name: "unix",
        summary: "AF_UNIX stream and datagram sockets, and the socket file left behind",
        run: unix::run,
    },
    Topic {
        name: "stream-vs-dgram",
        summary: "SOCK_STREAM merges three sends into one read; SOCK_DGRAM keeps three datagrams",
        run: stream_vs_dgram::run,
    },
    Topic {
        name: "seqpacket",
        summary: "SOCK_SEQPACKET over AF_UNIX (socket2): boundaries kept, connection kept",
        run: seqpacket::run,
    },
    Topic {
        name: "raw-icmp",
        summary: "SOCK_RAW ICMP echo to 127.0.0.1 (or why not: EPERM), and the unprivileged ICMP datagram socket",
        run: raw_icmp::run,
    },
    Topic {
        name: "backlog",
        summary: "listen(N) bounds the accept queue (N+1 on Linux); the next SYN is dropped, not refused",
        run: backlog::run,
    },
    Topic {
        name: "connect-ex",
        summary: "connect to a closed port: ConnectionRefused, errno 111; connect_ex's number; unknown hosts still raise",
        run: connect_ex::run,
    },
    Topic {
        name: "nonblocking",
        summary: "setblocking(False): accept and recv give WouldBlock (EAGAIN) until something arrives",
        run: nonblocking::run,
    },
    Topic {
        name: "timeouts",
        summary: "settimeout: connect, read and write timeouts, and the error each one gives",
        run: timeouts::run,
    },
    Topic {
        name: "addresses",
        summary: "recvfrom/sendto, getsockname/getpeername, fileno (as_raw_fd)",
        run: addresses::run,
    },
    Topic {
        name: "broadcast",
        summary: "SO_BROADCAST: sendto a broadcast address fails with EACCES until it is set",
        run: broadcast::run,
    },
    Topic {
        name: "send-vs-sendall",
        summary: "send may queue fewer bytes than asked; a blocking send waits; sendall loops",
        run: send_vs_sendall::run,
    },
    Topic {
        name: "recv-bufsize",
        summary: "recv(1024) gives up to 1024 bytes: two sends in one recv (粘包), one in pieces",
        run: recv_bufsize::run,
    },
    Topic {
        name: "udp-truncate",
        summary: "a datagram larger than the buffer is cut; MSG_PEEK|MSG_TRUNC tells its size",
        run: udp_truncate::run,
    },
    Topic {
        name: "empty-datagram",
        summary: "a zero-length UDP datagram: recvfrom returns b\"\", not end-of-stream",
        run: empty_datagram::run,
    },
    Topic {
        name: "udp-unreachable",
        summary: "sendto a closed port: ignored unconnected, ECONNREFUSED when connected",
        run: udp_unreachable::run,
    },
    Topic {
        name: "reuseaddr",
        summary: "SO_REUSEADDR and TIME_WAIT: which combinations rebind a port at once",
        run: reuseaddr::run,
    },
    Topic {
        name: "nodelay",
        summary: "TCP_NODELAY: a prefix written apart from its body waits ~40 ms (delayed ACK)",
        run: nodelay::run,
    },
    Topic {
        name: "buffers",
        summary: "SO_RCVBUF / SO_SNDBUF: doubled and clamped; what a non-reading peer absorbs",
        run: buffers::run,
    },
    Topic {
        name: "keepalive",
        summary: "SO_KEEPALIVE with time/interval/retries (socket2); read timeouts instead",
        run: keepalive::run,
    },
    Topic {
        name: "half-close",
        summary: "shutdown(SHUT_WR) sends EOF and keeps reading; close ends both directions",
        run: half_close::run,
    },
    Topic {
        name: "reset",
        summary: "what sends a reset (unread data, SO_LINGER 0), what does not (a killed process)",
        run: reset::run,
    },
    Topic {
        name: "eof-spin",
        summary: "the tutorials' loop after the client leaves: b\"\" every turn, then EPIPE",
        run: eof_spin::run,
    },
    Topic {
        name: "dup-close",
        summary: "a duplicate handle keeps a connection open after close; shutdown does not wait",
        run: dup_close::run,
    },
];

/// The topic called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.name == name)
}
