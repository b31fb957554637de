//! The client: choose a contact, send lines to them, print each answer
//! with who sent it; `quit` goes back to choosing, `quit` again exits.
//!
//! One unconnected socket serves every contact, as in the tutorial: each
//! `send_to` names its contact's address, and each `recv_from` says who
//! answered, which is looked up in the book. (A `connect()`ed UDP socket
//! would report a contact whose server is not running as "connection
//! refused" on Linux, but it talks to one address only and is a step away
//! from the tutorial.) Unconnected, an offline contact simply never
//! answers: after `--timeout` that is reported and the chat goes on.

use std::io::{self, BufRead, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use common::{advice, Encoding, LineSource};
use log::debug;

use crate::contacts::{Contact, ContactBook};
use crate::{MAX_DATAGRAM, START_SERVER};

// ANCHOR: socket
/// Step 1: create the one UDP socket every contact is talked to through.
pub fn open(book: &ContactBook) -> anyhow::Result<UdpSocket> {
    // 1. Python's socket is bound on its first sendto(); std binds now, to
    //    "any address, port 0", of the family of the book's first contact.
    let ipv6 = book.contacts().first().is_some_and(|c| c.addr.is_ipv6());
    let any: SocketAddr = if ipv6 {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(any).map_err(|e| advice::bind(e, any))?;
    debug!("socket, bind: {}", socket.local_addr()?);
    Ok(socket)
}
// ANCHOR_END: socket

/// Steps 3-6: choose contacts and talk to them until `quit` or the end of
/// input. Answers go to `out`; what goes wrong but lets the chat go on (an
/// unknown name, a contact that does not answer) is reported on `warn`.
pub fn chat<R: BufRead>(
    socket: UdpSocket,
    book: &ContactBook,
    wait: Duration,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
    warn: &mut impl Write,
) -> anyhow::Result<()> {
    // The wait for an answer ends after `wait`: recvfrom() alone waits forever.
    socket.set_read_timeout(Some(wait))?;
    // ANCHOR: choose
    // 3. Choose whom to talk to. The tutorial checks the name only when a
    //    message is sent, and silently drops messages to an unknown name;
    //    here an unknown name is answered at once.
    while let Some(name) = typed.prompt(out, "contact> ")? {
        let name = name.trim();
        if name == "quit" {
            break;
        }
        if name.is_empty() {
            continue;
        }
        let Some(contact) = book.find(name) else {
            writeln!(
                warn,
                "unknown contact {name:?}; known contacts: {}",
                book.names()
            )?;
            continue;
        };
        // ANCHOR_END: choose
        if !talk_to(&socket, book, contact, wait, typed, out, warn)? {
            break; // end of input
        }
    }

    // ANCHOR: close
    // 6. close(): dropping the socket closes it; no contact is told.
    drop(socket);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}

/// Steps 4-5 for one contact, line after line, until `quit` (returns
/// `true`: choose again) or the end of input (returns `false`).
fn talk_to<R: BufRead>(
    socket: &UdpSocket,
    book: &ContactBook,
    contact: &Contact,
    wait: Duration,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
    warn: &mut impl Write,
) -> anyhow::Result<bool> {
    let prompt = format!("message to {}> ", contact.name);
    while let Some(line) = typed.prompt(out, &prompt)? {
        let message = line.trim();
        if message == "quit" {
            return Ok(true);
        }
        if message.is_empty() {
            continue;
        }

        // ANCHOR: send
        // 4. sendto() the contact's address. It succeeds whether or not the
        //    contact's server is running: UDP does not check.
        if message.len() > MAX_DATAGRAM {
            anyhow::bail!(
                "the message is {} bytes, but one UDP datagram carries at most \
                 {MAX_DATAGRAM} bytes: send a shorter line",
                message.len()
            );
        }
        match socket.send_to(message.as_bytes(), contact.addr) {
            Ok(sent) => debug!("send_to: {sent} bytes to {contact}"),
            Err(e) => {
                writeln!(
                    warn,
                    "warning: cannot send to {contact}: {}",
                    advice::explain(&e)
                )?;
                continue;
            }
        }
        // ANCHOR_END: send

        // ANCHOR: recv
        // 5. recvfrom(): the answer, from whoever sent it (a late answer of
        //    another contact can arrive first: the sender is looked up), or
        //    nothing within `wait`.
        let mut buf = [0u8; MAX_DATAGRAM];
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                debug!("recv_from: {n} bytes from {from}");
                let text = Encoding::Utf8.decode_all(&buf[..n]);
                match book.at(from) {
                    Some(sender) => writeln!(out, "from {sender}: {text}")?,
                    None => writeln!(out, "from [{from}]: {text}")?,
                }
            }
            Err(e) if is_no_answer(&e) => {
                debug!("recv_from: nothing within {wait:?} ({e})");
                writeln!(
                    warn,
                    "warning: no answer from {contact} within {wait:?} (is {}'s server \
                     running? start it with: {START_SERVER} --port {}; UDP does not \
                     tell whether anything is listening)",
                    contact.name,
                    contact.addr.port()
                )?;
            }
            Err(e) => return Err(advice::conversation(e, "receiving from", contact)),
        }
        // ANCHOR_END: recv
    }
    Ok(false)
}

/// A read timeout (`WouldBlock` on Unix, `TimedOut` on Windows), or the
/// "port unreachable" Windows reports even on an unconnected socket.
fn is_no_answer(err: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(err.kind(), WouldBlock | TimedOut | ConnectionReset)
}
