//! What a server running on a test thread prints, readable while it runs.
//!
//! A server that loops for ever cannot have its output collected at the end:
//! hand it a [`SharedOut`] as its `out`, and the test waits (bounded by
//! [`crate::TIMEOUT`]) on the [`Printed`] end until the text it expects has
//! arrived.

use std::io::{self, Write};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Instant;

/// The `out` handed to the server: each write is sent to the test.
pub struct SharedOut(Sender<Vec<u8>>);

impl Write for SharedOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // The test may be gone already; the server need not care.
        let _ = self.0.send(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The test's end: everything the server printed so far.
pub struct Printed {
    rx: Receiver<Vec<u8>>,
    bytes: Vec<u8>,
}

/// A connected pair: give the [`SharedOut`] to the server.
pub fn shared_out() -> (SharedOut, Printed) {
    let (tx, rx) = channel();
    (
        SharedOut(tx),
        Printed {
            rx,
            bytes: Vec::new(),
        },
    )
}

impl Printed {
    /// The text printed so far (without waiting).
    pub fn so_far(&mut self) -> String {
        while let Ok(chunk) = self.rx.try_recv() {
            self.bytes.extend(chunk);
        }
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Waits until `needle` was printed `count` times; returns the text.
    pub fn wait_for_count(&mut self, needle: &str, count: usize) -> String {
        let deadline = Instant::now() + crate::TIMEOUT;
        loop {
            let text = self.so_far();
            if text.matches(needle).count() >= count {
                return text;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => self.bytes.extend(chunk),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    let text = self.so_far();
                    if text.matches(needle).count() >= count {
                        return text;
                    }
                    panic!("server never printed {count} x {needle:?}; it printed:\n{text}");
                }
            }
        }
    }

    /// Waits until `needle` was printed; returns the text so far.
    pub fn wait_for(&mut self, needle: &str) -> String {
        self.wait_for_count(needle, 1)
    }
}
