//! What the servers print about their clients, worded once.
//!
//! The same events happen in every many-client server: a client arrives, a
//! message comes in, a read fills the whole buffer, a client over the cap is
//! refused, a client leaves. The words for them are here, so the three
//! servers (and their tests and the book's transcripts) say the same thing.

use std::fmt;
use std::io;
use std::net::SocketAddr;

use common::advice;

/// `1 client`, `2 clients`.
pub fn clients_text(n: usize) -> String {
    if n == 1 {
        "1 client".to_string()
    } else {
        format!("{n} clients")
    }
}

/// `127.0.0.1:40000 connected (2 clients now)`.
pub fn connected(addr: SocketAddr, now: usize) -> String {
    format!("{addr} connected ({} now)", clients_text(now))
}

/// `from 127.0.0.1:40000: 老王:hi`: one read's text.
pub fn message(addr: SocketAddr, text: &str) -> String {
    format!("from {addr}: {text}")
}

/// Printed when a read fills the whole buffer: TCP carries a stream of
/// bytes, not messages, so what was sent as one message may go on in the
/// next read (the tutorials' `recv(1024)` lesson).
pub fn full_read(addr: SocketAddr, size: usize) -> String {
    format!("{addr}: {size} bytes arrived (a full read); the rest, if any, comes in the next read")
}

/// `refused 127.0.0.1:40000: server busy: ...`: a client over the cap.
pub fn refused(addr: SocketAddr, why: &str) -> String {
    format!("refused {addr}: {why}")
}

/// `127.0.0.1:40000 reset the connection (1 client now)`.
pub fn left(addr: SocketAddr, goodbye: &Goodbye, now: usize) -> String {
    format!("{addr} {goodbye} ({} now)", clients_text(now))
}

/// How a conversation with one client ended.
#[derive(Debug)]
pub enum Goodbye {
    /// The client closed the connection (a read returned 0 bytes).
    Closed,
    /// The client reset the connection.
    Reset,
    /// The person at the server stopped typing answers.
    NoReply,
    /// The server shut the connection down (it is stopping).
    ClosedByServer,
    /// Something else went wrong on this connection.
    Failed(anyhow::Error),
}

impl Goodbye {
    /// A failed read or write (`doing` is "reading from" or "sending to"):
    /// a reset or a closed pipe is the client leaving; anything else is
    /// reported with the error.
    pub fn from_error(e: io::Error, doing: &str, addr: SocketAddr) -> Goodbye {
        if advice::is_disconnect(&e) {
            Goodbye::Reset
        } else {
            Goodbye::Failed(advice::conversation(e, doing, addr))
        }
    }

    /// Whether `--quiet` still prints this goodbye (failures always are).
    pub fn printed_when_quiet(&self) -> bool {
        matches!(self, Goodbye::Failed(_))
    }
}

impl fmt::Display for Goodbye {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goodbye::Closed => write!(f, "closed the connection"),
            Goodbye::Reset => write!(f, "reset the connection"),
            Goodbye::NoReply => write!(f, "was closed: no more typed replies"),
            Goodbye::ClosedByServer => write!(f, "was closed by the server"),
            Goodbye::Failed(e) => write!(f, "was dropped: {e:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_read_as_the_servers_print_them() {
        let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        assert_eq!(
            connected(addr, 1),
            "127.0.0.1:40000 connected (1 client now)"
        );
        assert_eq!(message(addr, "老王:hi"), "from 127.0.0.1:40000: 老王:hi");
        assert_eq!(
            left(addr, &Goodbye::Reset, 2),
            "127.0.0.1:40000 reset the connection (2 clients now)"
        );
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert!(matches!(
            Goodbye::from_error(reset, "reading from", addr),
            Goodbye::Reset
        ));
        let other = io::Error::from(io::ErrorKind::InvalidInput);
        assert!(Goodbye::from_error(other, "reading from", addr).printed_when_quiet());
    }
}
