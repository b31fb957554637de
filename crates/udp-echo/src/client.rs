//! The client: send each typed line as one datagram, wait (bounded) for the
//! answer, print it and who sent it.
//!
//! Why the socket is NOT `connect()`ed: the tutorial calls `sendto()` and
//! `recvfrom()` on an unconnected socket, and that is the lesson: no
//! connection, every datagram addressed on its own, and an answer that may
//! come from anyone (so the client prints who sent it). The price: when no
//! server is running, Linux only reports the ICMP "port unreachable" to a
//! CONNECTED UDP socket (as "connection refused"), so this client learns
//! nothing and can only time out. That is also what happens on a real
//! network, where such ICMP messages are often filtered: a timeout is the
//! one signal UDP always gives, so this lesson teaches it.
//!
//! An unanswered datagram is a warning, not an error: UDP may lose any
//! datagram, so the client reports it (one line on `warn`) and goes on with
//! the next line. Exit status 0 means the input was all sent, not that every
//! datagram was answered.

use std::io::{self, BufRead, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use common::{advice, args::host_port, Encoding, LineSource};
use log::debug;

use crate::{DEFAULT_PORT, MAX_DATAGRAM, START_SERVER};

// ANCHOR: socket
/// Steps 1-2: find the server's address, create a UDP socket.
pub fn open(host: &str, port: u16) -> anyhow::Result<(UdpSocket, SocketAddr)> {
    // 1. The server's address (Python's `ip_port`). No connection is made:
    //    it is only written on every datagram sent.
    let server = resolve(host, port)?;
    // 2. Create a UDP socket. Python binds it implicitly on the first
    //    sendto(); std binds explicitly, to "any address, port 0" of the
    //    server's family, which is what Python's implicit bind does.
    let any: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any).map_err(|e| advice::bind(e, any))?;
    debug!("socket, bind: {} (server: {server})", socket.local_addr()?);
    Ok((socket, server))
}
// ANCHOR_END: socket

/// Steps 3-5: send each typed line, wait up to `wait` for its answer (or,
/// with `None`, do not wait: `--no-reply`), then close.
///
/// Typing `quit`, or the end of input, ends the loop; empty lines are
/// skipped. Answers go to `out`; unanswered datagrams are reported on `warn`.
pub fn talk<R: BufRead>(
    socket: UdpSocket,
    server: SocketAddr,
    wait: Option<Duration>,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
    warn: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "sending to {server} (UDP: no connection, nothing is checked before sending)"
    )?;
    // The wait for an answer ends after `wait`: recvfrom() alone waits forever.
    socket.set_read_timeout(wait)?;
    while let Some(line) = typed.prompt(out, "message> ")? {
        if line == "quit" {
            break;
        }
        if line.is_empty() {
            continue;
        }

        // ANCHOR: send
        // 3. sendto(): one line, one datagram, addressed to the server. It
        //    "succeeds" whether or not anything is listening there.
        if line.len() > MAX_DATAGRAM {
            anyhow::bail!(
                "the message is {} bytes, but one UDP datagram carries at most \
                 {MAX_DATAGRAM} bytes: send a shorter line",
                line.len()
            );
        }
        let sent = socket
            .send_to(line.as_bytes(), server)
            .map_err(|e| advice::conversation(e, "sending to", server))?;
        debug!("send_to: {sent} bytes to {server}");
        // ANCHOR_END: send

        // ANCHOR: recv
        // 4. recvfrom(): the answer and who sent it, or nothing in time.
        //    Nothing ties an answer to its question: an answer that comes
        //    after the timeout is read as the answer to the NEXT line.
        let Some(wait) = wait else {
            continue; // --no-reply: seed 001's client never waits
        };
        let mut buf = [0u8; MAX_DATAGRAM];
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                debug!("recv_from: {n} bytes from {from}");
                let text = Encoding::Utf8.decode_all(&buf[..n]);
                writeln!(out, "reply from {from}: {text}")?;
            }
            Err(e) if is_timeout(&e) => {
                debug!("recv_from: nothing within {wait:?}");
                writeln!(
                    warn,
                    "warning: no answer from {server} within {wait:?} (UDP does not \
                     tell whether anything is listening; is the server running? \
                     start it with: {})",
                    start_server(server)
                )?;
            }
            // Windows reports the ICMP "port unreachable" even without connect().
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => writeln!(
                warn,
                "warning: no answer from {server}: nothing is listening there \
                 (start it with: {})",
                start_server(server)
            )?,
            Err(e) => return Err(advice::conversation(e, "receiving from", server)),
        }
        // ANCHOR_END: recv
    }

    // ANCHOR: close
    // 5. close(): dropping the socket closes it. There is no connection to
    //    end, so the server is not told anything.
    drop(socket);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}

/// The command that starts a server for `server`'s port.
fn start_server(server: SocketAddr) -> String {
    match server.port() {
        DEFAULT_PORT => START_SERVER.to_string(),
        port => format!("{START_SERVER} --port {port}"),
    }
}

/// A read timeout shows as `WouldBlock` on Unix and `TimedOut` on Windows.
fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// `host:port` to one socket address; an unknown host is one clear line.
fn resolve(host: &str, port: u16) -> anyhow::Result<SocketAddr> {
    let shown = host_port(host, port);
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot send to {shown}: {}; check --host, or use 127.0.0.1",
                advice::explain(&e)
            )
        })?
        .collect();
    // IPv4 first: the servers listen on 127.0.0.1 unless told otherwise, and
    // `localhost` may resolve to ::1 first. (TCP's connect() tries every
    // address; a datagram goes to exactly one.)
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| anyhow::anyhow!("cannot send to {shown}: the name has no address"))
}
