// Binds 0.0.0.0 (every interface) instead of 127.0.0.1 (loopback only).
//! Exercise 1: the heart of the tcp-echo server.
//!
//! Read first: book/src/lessons/tcp-echo.md (the lesson's code is
//! crates/tcp-echo/src/server.rs). The task is in this exercise's
//! README.md; `just check 01` tells you what is left to do.

use std::io::{self, Read, Write};
use std::net::TcpListener;

/// The tutorials read with `recv(1024)`: at most this many bytes per message.
pub const BUF_SIZE: usize = 1024;

/// Steps 1-3: a TCP socket bound to `127.0.0.1:port`, listening.
///
/// Port 0 asks the system for a free port (the tests use it).
pub fn bind(port: u16) -> io::Result<TcpListener> {
    // TODO-BEGIN: Bind a listening TCP socket to 127.0.0.1:port.
    // Loopback only: a toy server should not be reachable from the network.
    TcpListener::bind(("0.0.0.0", port))
    // TODO-END
}

/// Steps 4-7: accepts ONE client, reads one message, echoes it back, closes.
///
/// Returns the message as text (invalid UTF-8 shown as U+FFFD), or an empty
/// string when the client closed without sending anything.
pub fn serve_one(listener: &TcpListener) -> io::Result<String> {
    // TODO-BEGIN: Accept one client, read one message, echo it back, return it.
    // 4. accept() waits for a client; it returns a NEW stream for this one
    //    conversation, and the client's address.
    // 5. ONE read() of at most BUF_SIZE bytes, like recv(1024). Zero bytes
    //    means the client closed the connection.
    // 6. write_all() the same bytes back (Python's sendall()).
    // 7. The connection closes when the stream is dropped.
    let (mut conn, _client) = listener.accept()?;
    let mut buf = [0u8; BUF_SIZE];
    let n = conn.read(&mut buf)?;
    // Zero bytes: the client left without a word; there is nothing to echo.
    if n > 0 {
        conn.write_all(&buf[..n])?;
    }
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
    // TODO-END
}
