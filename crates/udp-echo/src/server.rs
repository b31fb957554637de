//! The server: bind, then forever: receive a datagram, print it, answer it.

use std::io::{self, Write};
use std::net::UdpSocket;

use common::{advice, args::host_port, Encoding};
use log::debug;

use crate::MAX_DATAGRAM;

/// How the server answers each datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Send the datagram back to its sender, byte for byte (`--echo`, the
    /// default: an echo server returns exactly what it got, even bytes that
    /// are not text).
    Echo,
    /// Send this text to every sender (`--reply TEXT`; seed 002's `hello`).
    Fixed(String),
    /// Send nothing (`--silent`; seed 001's server never answers).
    Silent,
}

// ANCHOR: bind
/// Steps 1-2: create a UDP socket and bind it to `host:port`.
pub fn bind(host: &str, port: u16) -> anyhow::Result<UdpSocket> {
    // 1-2. socket(AF_INET, SOCK_DGRAM) + bind(): std's UdpSocket::bind does
    //      both. There is no listen() and no accept(): UDP has no connections,
    //      so the bound socket is ready to receive from anyone.
    let socket =
        UdpSocket::bind((host, port)).map_err(|e| advice::bind(e, host_port(host, port)))?;
    debug!("socket, bind: {}", socket.local_addr()?);
    Ok(socket)
}
// ANCHOR_END: bind

// ANCHOR: loop
/// Serves datagrams forever (the tutorial answers one and exits; seed 001's
/// server loops, and so does this lesson). `quiet`: see [`serve_one`].
pub fn serve(
    socket: &UdpSocket,
    answer: &Answer,
    quiet: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    loop {
        serve_one(socket, answer, quiet, out)?;
    }
}
// ANCHOR_END: loop

/// Steps 3-4: receive one datagram, print its sender and text, answer it.
///
/// A sender that cannot be answered is reported on `out` and the server goes
/// on; only a failure of the server's own socket is an error. `quiet`
/// (`--quiet`, for benchmarks): no line per datagram, so the server is not
/// measuring its terminal; problems are still reported.
pub fn serve_one(
    socket: &UdpSocket,
    answer: &Answer,
    quiet: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    // ANCHOR: recv
    // 3. recvfrom(): ONE whole datagram, and the address of whoever sent it.
    //    The buffer holds the largest IPv4 datagram; the tutorial's 1024
    //    bytes would silently cut longer ones (see MAX_DATAGRAM).
    let mut buf = [0u8; MAX_DATAGRAM];
    let (n, peer) = match socket.recv_from(&mut buf) {
        Ok(got) => got,
        // Windows (not Linux) reports here that an EARLIER answer bounced off
        // a closed port. That is one sender gone, not the server broken.
        Err(e) if is_bounce(&e) => {
            writeln!(
                out,
                "an earlier answer was not delivered: {}",
                advice::explain(&e)
            )?;
            return Ok(());
        }
        Err(e) => anyhow::bail!("receiving failed: {}", advice::explain(&e)),
    };
    debug!("recv_from: {n} bytes from {peer}");
    // A datagram is always complete, so it is decoded whole; invalid UTF-8
    // shows as U+FFFD instead of raising like Python's decode().
    if !quiet {
        let text = Encoding::Utf8.decode_all(&buf[..n]);
        writeln!(out, "received from {peer}: {text}")?;
    }
    // ANCHOR_END: recv

    // ANCHOR: send
    // 4. sendto(): the answer goes to the address recvfrom() returned. Each
    //    datagram names its destination; nothing remembers the client.
    let reply: &[u8] = match answer {
        Answer::Echo => &buf[..n],
        Answer::Fixed(text) => text.as_bytes(),
        Answer::Silent => return Ok(()),
    };
    match socket.send_to(reply, peer) {
        Ok(sent) => debug!("send_to: {sent} bytes to {peer}"),
        Err(e) => writeln!(out, "could not answer {peer}: {}", advice::explain(&e))?,
    }
    // ANCHOR_END: send
    Ok(())
}

/// True for the errors that mean "a datagram we sent bounced": on Windows,
/// `recv_from` on an unconnected socket reports the ICMP "port unreachable"
/// of an earlier `send_to` as a reset.
fn is_bounce(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
    )
}
