//! Exercise 9: length-prefixed frames.
//!
//! Read first: book/src/pitfalls.md (message boundaries, 粘包). The task is
//! in this exercise's README.md; `just check 09` tells you what is left.
//!
//! Newlines (exercise 8) frame text; a length prefix frames anything,
//! newlines and all: each frame is its payload's length as 4 bytes,
//! big-endian ("network byte order"), then the payload. The reader knows
//! exactly how many bytes to wait for.

use std::io::{self, Read, Write};

/// The largest payload accepted. The header could claim up to 4 GiB: never
/// allocate what a peer merely claims.
pub const MAX_FRAME: usize = 1024 * 1024;

/// Sends `payload` as one frame, in one write: its length (`u32`,
/// big-endian), then the payload. A payload longer than [`MAX_FRAME`] is
/// refused with [`io::ErrorKind::InvalidInput`], and nothing is sent.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    // TODO: Send the payload's length (4 bytes, big-endian) and the payload, in one write.
    // A payload over MAX_FRAME is refused (InvalidInput) before anything is sent.
    todo!("Send the payload's length (4 bytes, big-endian) and the payload, in one write.")
}

/// Reads one frame and returns its payload.
///
/// - `Ok(None)`: the stream ended cleanly, before a new frame began;
/// - [`io::ErrorKind::UnexpectedEof`]: it ended inside a frame (in its
///   header or its payload);
/// - [`io::ErrorKind::InvalidData`]: the header claims more than
///   [`MAX_FRAME`] bytes (nothing is allocated for them).
///
/// An empty payload is a frame like any other: `Ok(Some(vec![]))`.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    // TODO: Read the 4-byte header, check it, then read the payload.
    // A stream that ends before the header is a clean end (None); one that
    // ends after part of it is cut short (UnexpectedEof).
    // read_exact() reads exactly buf.len() bytes, over as many reads as it
    // takes; but it cannot tell "no frame at all" from "half a header".
    todo!("Read the 4-byte header, check it, then read the payload.")
}
