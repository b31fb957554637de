// Never checks for a read of 0 bytes: keeps answering a client that has left until the write fails.
//! Exercise 4: the heart of the tcp-serial server.
//!
//! Read first: book/src/lessons/tcp-serial.md (the lesson's code is
//! crates/tcp-serial/src/server.rs). The task is in this exercise's
//! README.md; `just check 04` tells you what is left to do.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};

/// The tutorials read with `recv(1024)`: at most this many bytes per message.
pub const BUF_SIZE: usize = 1024;

/// The answer to every message (seed 004: "got your message~").
pub const REPLY: &str = "收到您的信息~";

/// Answers each message of one client with [`REPLY`] (one read of at most
/// [`BUF_SIZE`] bytes per message) until the client closes the connection.
///
/// With `once`, answers the first message only and then closes (seed 004,
/// section 1.3.1). Returns how many messages were answered.
pub fn serve_client(conn: &mut TcpStream, once: bool) -> io::Result<usize> {
    // TODO-BEGIN: Answer every message with REPLY until the client closes.
    // With `once`, stop after the first answer. Zero bytes: the client left.
    let mut buf = [0u8; BUF_SIZE];
    let mut answered = 0;
    loop {
        let n = conn.read(&mut buf)?;
        conn.write_all(REPLY.as_bytes())?;
        answered += 1;
        if once {
            return Ok(answered);
        }
    }
    // TODO-END
}

/// Serves `clients` clients ONE AT A TIME: accept a client, serve it with
/// [`serve_client`] until it is done, close it, and only then accept the
/// next. (A real server loops forever; the tests need it to end.)
///
/// Returns how many messages each client sent, in the order served. A
/// client whose connection fails (a reset, say) counts the messages
/// answered so far, as 0: one bad client never stops the server.
pub fn serve(listener: &TcpListener, clients: usize, once: bool) -> io::Result<Vec<usize>> {
    // TODO-BEGIN: Accept clients one at a time, serving each to the end.
    // While one client is served, the next waits in the listener's backlog:
    // its connect() succeeded, but nobody reads what it sends.
    let mut counts = Vec::new();
    for _ in 0..clients {
        let (mut conn, _addr) = listener.accept()?;
        // An error from one client is that client's problem, not the server's.
        counts.push(serve_client(&mut conn, once).unwrap_or(0));
        // `conn` is dropped here: the connection closes.
    }
    Ok(counts)
    // TODO-END
}
