// Receives into a 1024-byte buffer, as in the tutorials: a longer datagram is cut short and the rest lost.
//! Exercise 6: the heart of udp-echo, server and client.
//!
//! Read first: book/src/lessons/udp-echo.md (the lesson's code is
//! crates/udp-echo/src/). The task is in this exercise's README.md;
//! `just check 06` tells you what is left to do.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// The largest UDP payload over IPv4: 65535 bytes of IP packet, minus 20
/// of IP header and 8 of UDP header. A smaller buffer silently cuts longer
/// datagrams: the rest of such a datagram is lost, not kept for later.
pub const MAX_DATAGRAM: usize = 65_507;

/// Receives `datagrams` datagrams on `socket` and answers each one with the
/// same bytes, sent back to whoever sent it. (A real server loops forever;
/// the tests need it to end.)
///
/// Returns each sender's address and its datagram as text (invalid UTF-8
/// shown as U+FFFD), in the order received.
pub fn serve(socket: &UdpSocket, datagrams: usize) -> io::Result<Vec<(SocketAddr, String)>> {
    // TODO-BEGIN: Receive each datagram whole and send it back to its sender.
    // recv_from() returns how many bytes arrived and who sent them; there is
    // no connection, so the address is the only way to answer.
    let mut buf = vec![0u8; 1024];
    let mut received = Vec::new();
    for _ in 0..datagrams {
        let (n, sender) = socket.recv_from(&mut buf)?;
        socket.send_to(&buf[..n], sender)?;
        received.push((sender, String::from_utf8_lossy(&buf[..n]).into_owned()));
    }
    Ok(received)
    // TODO-END
}

/// Sends `text` to `server` in one datagram and waits at most `wait` for
/// the answer.
///
/// Returns `Ok(None)` when no answer came in time: UDP does not tell you
/// that a datagram was lost or that nobody listens, so a time limit is the
/// only way to stop waiting. (On some systems "nobody listens" shows up as a
/// `ConnectionRefused` error: that is no answer too.)
pub fn ask(
    socket: &UdpSocket,
    server: SocketAddr,
    text: &str,
    wait: Duration,
) -> io::Result<Option<String>> {
    // TODO-BEGIN: Send one datagram, then wait at most `wait` for an answer.
    // set_read_timeout() bounds recv_from(); when it runs out, recv_from()
    // fails with ErrorKind::WouldBlock (Unix) or ErrorKind::TimedOut (Windows).
    socket.send_to(text.as_bytes(), server)?;
    socket.set_read_timeout(Some(wait))?;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    match socket.recv_from(&mut buf) {
        Ok((n, _from)) => Ok(Some(String::from_utf8_lossy(&buf[..n]).into_owned())),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::ConnectionRefused
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
    // TODO-END
}
