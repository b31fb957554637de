// Treats every read() error as the end of the client, WouldBlock included: a client that has said nothing yet is dropped.
//! Exercise 12: one thread, many clients, std only.
//!
//! Read first: book/src/lessons/tcp-select.md (non-blocking sockets). The
//! task is in this exercise's README.md; `just check 12` tells you what is
//! left to do.
//!
//! A blocking `accept()` or `read()` waits for ONE socket, and while it
//! waits nobody else is served. A non-blocking one returns at once: with
//! what there is, or with the error `WouldBlock` ("nothing now, try
//! later"). So one thread can go round all the sockets, serve whoever has
//! something, and, when nobody had anything, sleep `idle` before the next
//! round. Without that sleep the loop asks again and again as fast as the
//! CPU allows: a busy loop that burns a whole core doing nothing.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// What one look at a client found.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing to read yet (`WouldBlock`).
    Idle,
    /// Read some bytes and echoed them.
    Echoed,
    /// The client closed, or its connection broke: drop it.
    Gone,
}

/// A client waiting to be accepted, made non-blocking; `None` when nobody
/// is waiting (`WouldBlock`).
pub fn try_accept(listener: &TcpListener) -> io::Result<Option<TcpStream>> {
    // TODO-BEGIN: Accept one client without waiting; None on WouldBlock.
    // The accepted stream must be non-blocking too, or its first read()
    // waits for that client while the others wait for you.
    match listener.accept() {
        Ok((stream, _addr)) => {
            stream.set_nonblocking(true)?;
            Ok(Some(stream))
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => Ok(None),
        Err(e) => Err(e),
    }
    // TODO-END
}

/// Reads what `conn` has sent, if anything, and writes it back.
pub fn poll_client(conn: &mut TcpStream, buf: &mut [u8]) -> Step {
    // TODO-BEGIN: One read: Idle on WouldBlock, Gone on 0 or an error, else echo.
    // The echo is written with write_all(); on this non-blocking stream it
    // fails with WouldBlock if the client has not read its earlier echoes
    // (megabytes of them): treat it as any other failure (exercise 13 does
    // better).
    match conn.read(buf) {
        Ok(0) => Step::Gone,
        Ok(n) => match conn.write_all(&buf[..n]) {
            Ok(()) => Step::Echoed,
            Err(_) => Step::Gone,
        },
        Err(_) => Step::Gone,
    }
    // TODO-END
}

/// Echoes what each client sends, serving them all from this thread.
/// Returns once `clients` clients have connected and all have left.
/// When a whole round found nothing to do, sleeps `idle` before the next.
pub fn serve(listener: &TcpListener, clients: usize, idle: Duration) -> io::Result<()> {
    // TODO-BEGIN: Make the listener non-blocking.
    listener.set_nonblocking(true)?;
    // TODO-END
    let mut conns: Vec<TcpStream> = Vec::new();
    let mut accepted = 0;
    let mut buf = [0u8; 4096];
    while accepted < clients || !conns.is_empty() {
        let mut busy = false;
        if accepted < clients {
            if let Some(conn) = try_accept(listener)? {
                conns.push(conn);
                accepted += 1;
                busy = true;
            }
        }
        conns.retain_mut(|conn| match poll_client(conn, &mut buf) {
            Step::Idle => true,
            Step::Echoed => {
                busy = true;
                true
            }
            Step::Gone => {
                busy = true;
                false
            }
        });
        // TODO-BEGIN: Sleep `idle`, but only when this round found nothing to do.
        if !busy {
            thread::sleep(idle);
        }
        // TODO-END
    }
    Ok(())
}
