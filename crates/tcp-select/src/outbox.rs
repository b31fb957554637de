//! Answers waiting to be sent to one client, and backpressure.
//!
//! A non-blocking `write` takes only what fits in the socket's send buffer
//! right now, so whatever it did not take must wait here until the socket
//! is writable again. A client that sends and never reads would make this
//! grow without end: the server would hold everything it ever answered.
//! So the outbox has a cap, [`PENDING_CAP`]. Once that much is waiting the
//! server stops reading from that client; the unread bytes then stay in the
//! kernel's buffers, those fill up, and TCP's flow control makes the
//! client's own `send` wait. The client slows itself down, and the server's
//! memory for it stays bounded: at most the cap plus one answer.

use std::collections::VecDeque;

/// The most answer bytes held for one client before its reading stops.
/// 64 KiB is many answers of the tutorials' size (at most 1024 bytes each)
/// and little memory: a thousand stalled clients would hold 64 MiB at most.
pub const PENDING_CAP: usize = 64 * 1024;

/// Bytes accepted for a client but not yet taken by its socket.
#[derive(Debug, Default)]
pub struct Outbox {
    bytes: VecDeque<u8>,
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Outbox {
        Outbox::default()
    }

    /// Queues an answer behind what is already waiting.
    pub fn push(&mut self, answer: &[u8]) {
        self.bytes.extend(answer);
    }

    /// True while there is room for more answers: the server may read.
    pub fn has_room(&self) -> bool {
        self.bytes.len() < PENDING_CAP
    }

    /// True when nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// How many bytes are waiting.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The oldest waiting bytes, to hand to `write` (may be only part of
    /// them: a `VecDeque` can wrap around its end).
    pub fn front(&self) -> &[u8] {
        self.bytes.as_slices().0
    }

    /// Forgets the first `n` bytes: `write` has taken them.
    pub fn sent(&mut self, n: usize) {
        self.bytes.drain(..n.min(self.bytes.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_ends_at_the_cap_and_comes_back_as_bytes_are_sent() {
        let mut outbox = Outbox::new();
        assert!(outbox.is_empty() && outbox.has_room());
        let answer = [b'x'; 1024];
        while outbox.has_room() {
            outbox.push(&answer);
        }
        assert_eq!(outbox.len(), PENDING_CAP);
        outbox.sent(1);
        assert!(outbox.has_room());
        assert_eq!(outbox.len(), PENDING_CAP - 1);
    }

    #[test]
    fn bytes_leave_in_the_order_they_came() {
        let mut outbox = Outbox::new();
        outbox.push(b"hello ");
        outbox.push(b"world");
        let mut out = Vec::new();
        while !outbox.is_empty() {
            let n = 3.min(outbox.front().len());
            let chunk = outbox.front()[..n].to_vec();
            out.extend_from_slice(&chunk);
            outbox.sent(chunk.len());
        }
        assert_eq!(out, b"hello world");
    }
}
