//! The wait for an answer, when datagrams can be lost, duplicated, delayed
//! or reordered, or come from someone else.
//!
//! The tutorial calls `recvfrom()` once after each `sendto()` and takes
//! whatever arrives as the answer. Through a network that delays or
//! duplicates, that pairs answers with the wrong messages: one late answer
//! and every later one is shown against the next message. Here:
//!
//! - before each send, datagrams already queued are shown, labelled (a late
//!   answer, a duplicate, or not a reply at all), never taken as the answer
//!   to the message about to go out;
//! - the wait goes on until its own deadline: a datagram that is not the
//!   answer (a late one, a duplicate, a stranger's) is shown and the wait
//!   continues for the time that is left;
//! - at the end, if answers are missing, the client lingers one more
//!   timeout so late answers are still shown.
//!
//! Which message a datagram answers is judged by [`common::answers`]: by
//! content when the server echoes (this lesson's default), by timing only
//! when it answers with other text (`--reply hello`).

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::{advice, Encoding, Ledger, Verdict};
use log::debug;

use crate::MAX_DATAGRAM;

/// How a wait for an answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The current message's answer arrived (and was shown).
    Answered,
    /// Nothing that answers it came within the time.
    TimedOut,
    /// Windows reported the server's port unreachable.
    Unreachable,
}

/// Shows the datagrams that are already waiting in the socket's queue
/// (arrived while the client was not waiting), without blocking.
pub fn show_queued(
    socket: &UdpSocket,
    server: SocketAddr,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    socket.set_nonblocking(true)?;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let result = loop {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => show(&buf[..n], from, false, ledger, out)?,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
            // Windows: an earlier datagram bounced; nothing to show.
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => continue,
            Err(e) => break Err(advice::conversation(e, "receiving from", server)),
        }
    };
    socket.set_nonblocking(false)?;
    result
}

// ANCHOR: wait
/// Waits up to `wait` for the current message's answer, showing everything
/// else that arrives meanwhile; only the answer ends the wait early.
pub fn wait_for_answer(
    socket: &UdpSocket,
    server: SocketAddr,
    wait: Duration,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<Waited> {
    let deadline = Instant::now() + wait;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while ledger.awaiting() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Waited::TimedOut);
        }
        // recvfrom() alone waits forever: each read waits only for the time
        // that is left.
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => show(&buf[..n], from, true, ledger, out)?,
            Err(e) if is_timeout(&e) => return Ok(Waited::TimedOut),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(Waited::Unreachable),
            Err(e) => return Err(advice::conversation(e, "receiving from", server)),
        }
    }
    Ok(Waited::Answered)
}
// ANCHOR_END: wait

/// After the last message: if answers are missing, waits once more for up
/// to `wait`, showing what still arrives (until every message is answered).
pub fn linger(
    socket: &UdpSocket,
    server: SocketAddr,
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
            Ok((n, from)) => show(&buf[..n], from, false, ledger, out)?,
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::ConnectionReset => break,
            Err(e) => return Err(advice::conversation(e, "receiving from", server)),
        }
    }
    Ok(())
}

/// Prints one datagram as what it is: `reply from ADDR: TEXT` for the
/// answer, otherwise labelled, e.g. `late reply to "m3" from ADDR: m3`.
fn show(
    datagram: &[u8],
    from: SocketAddr,
    waiting: bool,
    ledger: &mut Ledger,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    debug!("recv_from: {} bytes from {from}", datagram.len());
    let text = Encoding::Utf8.decode_all(datagram);
    let verdict: Verdict = ledger.judge(from, &text, waiting);
    let label = verdict.label().unwrap_or_else(|| "reply".to_string());
    writeln!(out, "{label} from {from}: {text}")?;
    Ok(())
}

/// A read timeout shows as `WouldBlock` on Unix and `TimedOut` on Windows.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
