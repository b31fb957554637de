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
//!
//! Nothing in a datagram says which message it answers, or that it is an
//! answer at all: [`waiting`] shows each datagram as what it is (the answer,
//! a late answer, a duplicate, a stranger's datagram) and only the current
//! contact's answer ends the wait.

use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use common::{advice, Ledger, LineSource};
use log::debug;

use crate::contacts::{Contact, ContactBook};
use crate::waiting::{self, Waited};
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
    // What was sent to whom, so each datagram that arrives can be placed.
    let mut ledger = Ledger::new();
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
        if !talk_to(&socket, book, contact, wait, &mut ledger, typed, out, warn)? {
            break; // end of input
        }
    }

    // Answers still missing may only be late: give them one more timeout.
    waiting::linger(&socket, book, wait, &mut ledger, out)?;

    // ANCHOR: close
    // 6. close(): dropping the socket closes it; no contact is told.
    drop(socket);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}

/// Steps 4-5 for one contact, line after line, until `quit` (returns
/// `true`: choose again) or the end of input (returns `false`).
#[allow(clippy::too_many_arguments)]
fn talk_to<R: BufRead>(
    socket: &UdpSocket,
    book: &ContactBook,
    contact: &Contact,
    wait: Duration,
    ledger: &mut Ledger,
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
        //    contact's server is running: UDP does not check. What arrived
        //    while the line was typed is shown first, labelled, so it is
        //    never taken for this message's answer.
        if message.len() > MAX_DATAGRAM {
            anyhow::bail!(
                "the message is {} bytes, but one UDP datagram carries at most \
                 {MAX_DATAGRAM} bytes: send a shorter line",
                message.len()
            );
        }
        waiting::show_queued(socket, book, ledger, out)?;
        match socket.send_to(message.as_bytes(), contact.addr) {
            Ok(sent) => {
                debug!("send_to: {sent} bytes to {contact}");
                ledger.sent(contact.addr, message);
            }
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
        // 5. recvfrom() until the contact answers or `wait` is over. A late
        //    answer, a duplicate, another contact's or a stranger's datagram
        //    is shown as such and does not end the wait (see `waiting`).
        if waiting::wait_for_answer(socket, book, contact, wait, ledger, out)? == Waited::NoAnswer {
            writeln!(
                warn,
                "warning: no answer from {contact} within {wait:?} (is {}'s server \
                 running? start it with: {START_SERVER} --port {}; UDP does not \
                 tell whether anything is listening)",
                contact.name,
                contact.addr.port()
            )?;
        }
        // ANCHOR_END: recv
    }
    Ok(false)
}
