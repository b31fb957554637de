// Sends `quit` to the server and reads its reply instead of stopping before it.
//! Exercise 2: the heart of the tcp-loop client.
//!
//! Read first: book/src/lessons/tcp-loop.md (the lesson's code is
//! crates/tcp-loop/src/client.rs). The task is in this exercise's
//! README.md; `just check 02` tells you what is left to do.

use std::io::{self, Read, Write};
use std::net::TcpStream;

/// The tutorials read with `recv(1024)`: at most this many bytes per reply.
pub const BUF_SIZE: usize = 1024;

/// The line that ends the conversation.
pub const QUIT: &str = "quit";

/// Talks to a server one line at a time, the way the tcp-loop client does
/// with what a person types:
///
/// - an empty line is skipped: nothing is sent for it;
/// - [`QUIT`] ends the conversation, and is not sent;
/// - any other line is sent, then ONE read of at most [`BUF_SIZE`] bytes is
///   its reply.
///
/// Returns the replies, in order, as text (invalid UTF-8 shown as U+FFFD).
/// Running out of lines ends the conversation too. Either way the connection
/// is closed when `talk` returns. A server that closes the connection
/// instead of replying is an error of kind [`io::ErrorKind::UnexpectedEof`].
pub fn talk(mut stream: TcpStream, lines: &[&str]) -> io::Result<Vec<String>> {
    // TODO-BEGIN: Send each line, read each reply; skip empty lines; stop at QUIT.
    // - write_all() sends a whole line (Python's sendall());
    // - read() returns how many bytes arrived; 0 means the server closed;
    // - io::Error::new(io::ErrorKind::UnexpectedEof, "...") makes the error.
    let mut replies = Vec::new();
    let mut buf = [0u8; BUF_SIZE];
    for &line in lines {
        if line.is_empty() {
            // Sending zero bytes sends nothing: the server would never
            // answer, and we would wait for its reply forever.
            continue;
        }
        stream.write_all(line.as_bytes())?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection instead of replying",
            ));
        }
        replies.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    // Returning drops `stream`: that closes the connection.
    Ok(replies)
    // TODO-END
}
