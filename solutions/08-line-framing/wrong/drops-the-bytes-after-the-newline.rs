// Throws away what came after the `\n` in the same read, losing the start of the next message(s).
//! Exercise 8: messages that end with a newline, read right.
//!
//! Read first: book/src/pitfalls.md (message boundaries, 粘包, and UTF-8
//! split across reads). The task is in this exercise's README.md;
//! `just check 08` tells you what is left to do.
//!
//! TCP delivers bytes, not messages: one read may return two messages glued
//! together, or half of one, or stop in the middle of a UTF-8 character.
//! The fix is framing: an agreed way to tell where a message ends. Here, a
//! message is its UTF-8 text followed by `\n`.

use std::io::{self, Read, Write};

/// The longest message accepted, in bytes: a peer that never sends `\n`
/// must not make us buffer forever.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Sends `message` followed by `\n`, whole.
///
/// A message that contains `\n` could not be told apart from two messages:
/// it is refused with [`io::ErrorKind::InvalidInput`], and nothing is sent.
pub fn write_message(w: &mut impl Write, message: &str) -> io::Result<()> {
    // TODO-BEGIN: Refuse a message containing '\n'; otherwise send it and a '\n'.
    if message.contains('\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a message cannot contain a newline",
        ));
    }
    // One buffer, one write_all: the message and its end leave together.
    let mut framed = Vec::with_capacity(message.len() + 1);
    framed.extend_from_slice(message.as_bytes());
    framed.push(b'\n');
    w.write_all(&framed)
    // TODO-END
}

/// Reads newline-delimited messages from a byte stream, whatever the
/// network does to the bytes.
pub struct MessageReader<R> {
    inner: R,
    /// Bytes received but not yet returned: the start of the next message(s).
    pending: Vec<u8>,
}

impl<R: Read> MessageReader<R> {
    /// A reader of the messages on `inner` (a `TcpStream`, say).
    pub fn new(inner: R) -> MessageReader<R> {
        MessageReader {
            inner,
            pending: Vec::new(),
        }
    }

    /// The next message, without its `\n` (nor the `\r` of a `\r\n`).
    ///
    /// - `Ok(None)`: the stream ended cleanly, between two messages;
    /// - [`io::ErrorKind::UnexpectedEof`]: it ended in the middle of one;
    /// - [`io::ErrorKind::InvalidData`]: more than [`MAX_MESSAGE`] bytes
    ///   came without a `\n`;
    /// - invalid UTF-8 is shown as U+FFFD, never an error.
    pub fn read_message(&mut self) -> io::Result<Option<String>> {
        // TODO-BEGIN: Return the first complete line, reading more until there is one.
        // Keep what comes after the '\n' in `pending`: it is the start of the
        // next message. Decode a message only once it is complete, so that
        // a character split between two reads is whole again.
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.pending.drain(..=end).collect();
                self.pending.clear();
                line.pop(); // the '\n'
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            if self.pending.len() > MAX_MESSAGE {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("no newline in {} bytes", self.pending.len()),
                ));
            }
            let n = match self.inner.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return if self.pending.is_empty() {
                    Ok(None)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the stream ended in the middle of a message",
                    ))
                };
            }
            self.pending.extend_from_slice(&chunk[..n]);
        }
        // TODO-END
    }
}
