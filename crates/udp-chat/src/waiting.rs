//! The wait for a contact's answer, when datagrams can be lost, duplicated,
//! delayed or reordered, or come from a stranger.
//!
//! The tutorial calls `recvfrom()` once after each `sendto()` and shows
//! whatever arrives. Then a stranger's datagram ends the wait, and the
//! contact's real answer, coming a moment later, is read as the answer to
//! the NEXT message; one late answer shifts every later one the same way.
//! Here:
//!
//! - before each send, datagrams already queued are shown, labelled (a late
//!   answer, a duplicate, not a reply at all), never taken as the answer to
//!   the message about to go out;
//! - the wait goes on until its own deadline: only the current contact's
//!   answer ends it; anything else is shown and the wait continues;
//! - at the end of the chat, if answers are missing, the client lingers one
//!   more timeout so late answers are still shown.
//!
//! Which message a datagram answers is judged by [`common::answers`]: by
//! content when the contact's server echoes (`--echo`), by timing only when
//! its answers are typed or fixed (the tutorial's way), and then it says so.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::{advice, Encoding, Ledger};
use log::debug;

use crate::contacts::{Contact, ContactBook};
use crate::MAX_DATAGRAM;

/// How a wait for an answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The contact's answer arrived (and was shown).
    Answered,
    /// Nothing that answers the message came within the time (or Windows
    /// reported the contact's port unreachable).
    NoAnswer,
}

/// Shows the datagrams already waiting in the socket's queue (arrived while
/// the client was not waiting, e.g. while a line was being typed).
pub fn show_queued(
    socket: &UdpSocket,
    book: &ContactBook,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    socket.set_nonblocking(true)?;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let result = loop {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => show(&buf[..n], from, false, book, ledger, out)?,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
            // Windows: an earlier datagram bounced; nothing to show.
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => continue,
            Err(e) => break Err(anyhow::anyhow!("receiving failed: {}", advice::explain(&e))),
        }
    };
    socket.set_nonblocking(false)?;
    result
}

/// Waits up to `wait` for `contact`'s answer to the current message,
/// showing everything else that arrives meanwhile.
pub fn wait_for_answer(
    socket: &UdpSocket,
    book: &ContactBook,
    contact: &Contact,
    wait: Duration,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<Waited> {
    let deadline = Instant::now() + wait;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while ledger.awaiting() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Waited::NoAnswer);
        }
        // recvfrom() alone waits forever: each read waits only for the time
        // that is left.
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => show(&buf[..n], from, true, book, ledger, out)?,
            Err(e) if is_no_answer(&e) => {
                debug!("recv_from: nothing within {wait:?} ({e})");
                return Ok(Waited::NoAnswer);
            }
            Err(e) => return Err(advice::conversation(e, "receiving from", contact)),
        }
    }
    Ok(Waited::Answered)
}

/// At the end of the chat: if answers are missing, waits once more for up
/// to `wait`, showing what still arrives (until every message is answered).
pub fn linger(
    socket: &UdpSocket,
    book: &ContactBook,
    wait: Duration,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + wait;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while ledger.unanswered() > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => show(&buf[..n], from, false, book, ledger, out)?,
            Err(e) if is_no_answer(&e) => break,
            Err(e) => anyhow::bail!("receiving failed: {}", advice::explain(&e)),
        }
    }
    Ok(())
}

/// Prints one datagram as what it is: `from 张三 [ADDR]: TEXT` for the
/// answer, otherwise labelled, e.g. `late reply to "c5" from 张三 [ADDR]: c5`
/// or `not a reply (...) from [ADDR]: TEXT` for a stranger.
fn show(
    datagram: &[u8],
    from: SocketAddr,
    waiting: bool,
    book: &ContactBook,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    debug!("recv_from: {} bytes from {from}", datagram.len());
    let text = Encoding::Utf8.decode_all(datagram);
    let who = match book.at(from) {
        Some(sender) => sender.to_string(),
        None => format!("[{from}]"),
    };
    match ledger.judge(from, &text, waiting).label() {
        None => writeln!(out, "from {who}: {text}")?,
        Some(label) => writeln!(out, "{label} from {who}: {text}")?,
    }
    Ok(())
}

/// A read timeout (`WouldBlock` on Unix, `TimedOut` on Windows), or the
/// "port unreachable" Windows reports even on an unconnected socket.
fn is_no_answer(err: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(err.kind(), WouldBlock | TimedOut | ConnectionReset)
}
