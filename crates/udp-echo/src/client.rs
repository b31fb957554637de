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
//!
//! Nothing in a datagram ties an answer to its question, so the client does
//! not take "the next datagram" as the answer: [`waiting`] shows each
//! datagram as what it is (the answer, a late answer, a duplicate, or not a
//! reply at all) and waits for the real answer until its own timeout.

use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use common::{advice, args::host_port, Ledger, LineSource};
use log::debug;

use crate::waiting::{self, Waited};
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
    // What was sent, so each datagram that comes back can be placed.
    let mut ledger = Ledger::new();
    while let Some(line) = typed.prompt(out, "message> ")? {
        if line == "quit" {
            break;
        }
        if line.is_empty() {
            continue;
        }

        // ANCHOR: send
        // 3. sendto(): one line, one datagram, addressed to the server. It
        //    "succeeds" whether or not anything is listening there. What
        //    arrived since the last wait (late answers, duplicates) is shown
        //    first, so it is never taken for this line's answer.
        if line.len() > MAX_DATAGRAM {
            anyhow::bail!(
                "the message is {} bytes, but one UDP datagram carries at most \
                 {MAX_DATAGRAM} bytes: send a shorter line",
                line.len()
            );
        }
        if wait.is_some() {
            waiting::show_queued(&socket, server, &mut ledger, out)?;
        }
        let sent = socket
            .send_to(line.as_bytes(), server)
            .map_err(|e| advice::conversation(e, "sending to", server))?;
        debug!("send_to: {sent} bytes to {server}");
        ledger.sent(server, &line);
        // ANCHOR_END: send

        // ANCHOR: recv
        // 4. recvfrom() until the answer comes or `wait` is over. Nothing in
        //    a datagram says which message it answers: a late answer or a
        //    duplicate of an earlier one is shown as such, and the wait goes
        //    on (an echo is placed by its content; see `waiting`).
        let Some(wait) = wait else {
            continue; // --no-reply: seed 001's client never waits
        };
        match waiting::wait_for_answer(&socket, server, wait, &mut ledger, out)? {
            Waited::Answered => {}
            Waited::TimedOut => {
                debug!("recv_from: no answer within {wait:?}");
                writeln!(
                    warn,
                    "warning: no answer from {server} within {wait:?} (UDP does not \
                     tell whether anything is listening; is the server running? \
                     start it with: {})",
                    start_server(server)
                )?;
            }
            // Windows reports the ICMP "port unreachable" even without connect().
            Waited::Unreachable => writeln!(
                warn,
                "warning: no answer from {server}: nothing is listening there \
                 (start it with: {})",
                start_server(server)
            )?,
        }
        // ANCHOR_END: recv
    }

    // Answers still missing may only be late: give them one more timeout.
    if let Some(wait) = wait {
        waiting::linger(&socket, server, wait, &mut ledger, out)?;
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
