// Lists the known names sorted (collected into a BTreeSet), not in the contact book's order.
//! Exercise 7: the heart of the udp-chat ("QQ") client.
//!
//! Read first: book/src/lessons/udp-chat.md (the lesson's code is
//! crates/udp-chat/src/client.rs). The task is in this exercise's
//! README.md; `just check 07` tells you what is left to do.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// The largest UDP payload over IPv4.
pub const MAX_DATAGRAM: usize = 65_507;

/// A contact book: who is reachable at which address, in the order given.
#[derive(Debug, Clone, Default)]
pub struct Contacts {
    entries: Vec<(String, SocketAddr)>,
}

impl Contacts {
    /// A contact book with these entries.
    pub fn new(entries: &[(&str, SocketAddr)]) -> Contacts {
        Contacts {
            entries: entries
                .iter()
                .map(|(name, addr)| (name.to_string(), *addr))
                .collect(),
        }
    }

    /// The address of the contact called `name`.
    ///
    /// An unknown name is an error whose message lists the known names, in
    /// the book's order, so the person can pick one:
    /// `unknown contact 小明; known: 张三, 李四`.
    pub fn lookup(&self, name: &str) -> Result<SocketAddr, String> {
        // TODO-BEGIN: Find `name` in the book, or say which names exist.
        match self.entries.iter().find(|(known, _)| known == name) {
            Some((_, addr)) => Ok(*addr),
            None => {
                let known: std::collections::BTreeSet<&str> =
                    self.entries.iter().map(|(n, _)| n.as_str()).collect();
                let known: Vec<&str> = known.into_iter().collect();
                Err(format!(
                    "unknown contact {name}; known: {}",
                    known.join(", ")
                ))
            }
        }
        // TODO-END
    }
}

/// Sends `text` to `contact` in one datagram and waits for the contact's
/// answer, at most `wait` in all.
///
/// Anyone can send a datagram to our port: datagrams from any other address
/// are ignored, and they do not restart the clock. Returns `Ok(None)` when
/// the contact did not answer in time (it is offline, or a datagram was
/// lost); a `ConnectionRefused` error ("nobody listens there", reported by
/// some systems) means that too.
pub fn send_and_wait(
    socket: &UdpSocket,
    contact: SocketAddr,
    text: &str,
    wait: Duration,
) -> io::Result<Option<String>> {
    // TODO-BEGIN: Send, then wait for a datagram FROM `contact`, at most `wait` in all.
    // Keep a deadline (Instant::now() + wait) and give each recv_from() only
    // the time that is left; a stranger's datagram must not restart the clock.
    socket.send_to(text.as_bytes(), contact)?;
    let deadline = Instant::now() + wait;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buf) {
            Ok((n, from)) if from == contact => {
                return Ok(Some(String::from_utf8_lossy(&buf[..n]).into_owned()));
            }
            Ok(_) => continue, // a stranger: not the answer we wait for
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::ConnectionRefused
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    // TODO-END
}
