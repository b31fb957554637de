// Sends a payload of any size, never refusing one over MAX_FRAME.
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

/// Sends `payload` as one frame: its length (`u32`, big-endian), then the
/// payload. A payload longer than [`MAX_FRAME`] is refused with
/// [`io::ErrorKind::InvalidInput`], and nothing is sent.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    // TODO-BEGIN: Send the payload's length (4 bytes, big-endian), then the payload.
    // A payload over MAX_FRAME is refused (InvalidInput) before anything is sent.
    // Fits: MAX_FRAME is far below u32::MAX.
    let len = payload.len() as u32;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(payload)
    // TODO-END
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
    // TODO-BEGIN: Read the 4-byte header, check it, then read the payload.
    // A stream that ends before the header is a clean end (None); one that
    // ends after part of it is cut short (UnexpectedEof).
    // read_exact() reads exactly buf.len() bytes, over as many reads as it
    // takes; but it cannot tell "no frame at all" from "half a header".
    let mut header = [0u8; 4];
    let mut filled = 0;
    while filled < header.len() {
        match r.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the stream ended inside a frame header",
                ))
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {MAX_FRAME}"),
        ));
    }
    let mut payload = vec![0u8; len];
    // Fails with UnexpectedEof when the stream ends inside the payload.
    r.read_exact(&mut payload)?;
    Ok(Some(payload))
    // TODO-END
}
