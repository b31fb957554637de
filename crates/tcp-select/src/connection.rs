//! Steps 5-7: one client's reads, writes and close, done a turn at a time.
//!
//! The event loop calls [`Connection::take_turn`] whenever the client's
//! socket is ready. A turn never waits: it reads until `read` would block,
//! writes until `write` would block, and returns. What a turn could not
//! finish (answers not yet sent) stays in the [`Outbox`] until the next.
//!
//! mio's readiness is edge-triggered: an event says "something changed",
//! once. A turn that stopped reading before `WouldBlock` gets no second
//! event for the bytes it left, so it says so ([`Turn::Again`]) and the
//! loop comes back to it by itself.

use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;

use common::{Encoding, Reply, TextDecoder};
use log::debug;
use mio::net::TcpStream;
use mio::{Interest, Registry, Token};
use server_extras::{lines, Goodbye, Output};

use crate::outbox::Outbox;
use crate::BUF_SIZE;

/// One connected client, between events.
pub struct Connection {
    stream: TcpStream,
    pub addr: SocketAddr,
    token: Token,
    /// Carries a character split between two reads over to the next one.
    decoder: TextDecoder,
    /// Answers `write` has not taken yet.
    outbox: Outbox,
    /// The client has closed its side: send what is left, then close.
    eof: bool,
    /// The events the poll watches for now.
    interest: Interest,
}

/// What the loop does with a connection after its turn.
pub enum Turn {
    /// Nothing left to do until the poll reports the socket ready again.
    Wait,
    /// Reading stopped on a full outbox and there is room again: no event
    /// will say so, so the loop must give it another turn by itself.
    Again,
    /// The connection is over; close it.
    Over(Goodbye),
}

/// Why reading stopped.
#[derive(PartialEq)]
enum Stopped {
    /// `read` would block: the poll reports the next bytes.
    Blocked,
    /// The outbox is full: backpressure.
    Full,
    /// The client closed its side.
    Eof,
}

impl Connection {
    /// A client just accepted, registered with `registry` under `token` for
    /// reading only: nothing is waiting to be written yet.
    pub fn new(
        mut stream: TcpStream,
        addr: SocketAddr,
        token: Token,
        registry: &Registry,
    ) -> std::io::Result<Connection> {
        registry.register(&mut stream, token, Interest::READABLE)?;
        Ok(Connection {
            stream,
            addr,
            token,
            decoder: Encoding::Utf8.decoder(),
            outbox: Outbox::new(),
            eof: false,
            interest: Interest::READABLE,
        })
    }

    /// Steps 5 and 6, once each, then watch for what is still to do.
    pub fn take_turn(&mut self, reply: &Reply, quiet: bool, out: &Output, poll: &Registry) -> Turn {
        let stopped = match self.read_some(reply, quiet, out) {
            Ok(stopped) => stopped,
            Err(goodbye) => return Turn::Over(goodbye),
        };
        if let Err(goodbye) = self.write_some() {
            return Turn::Over(goodbye);
        }
        if self.eof && self.outbox.is_empty() {
            return Turn::Over(Goodbye::Closed);
        }
        if let Err(e) = self.watch(poll) {
            return Turn::Over(Goodbye::Failed(e.into()));
        }
        if stopped == Stopped::Full && self.outbox.has_room() {
            Turn::Again
        } else {
            Turn::Wait
        }
    }

    // ANCHOR: read
    /// Step 5: read until `read` would block (or the outbox is full).
    fn read_some(&mut self, reply: &Reply, quiet: bool, out: &Output) -> Result<Stopped, Goodbye> {
        let mut buf = [0u8; BUF_SIZE];
        let addr = self.addr;
        while !self.eof && self.outbox.has_room() {
            // 5. recv(1024), non-blocking: WouldBlock means "nothing more
            //    for now" (not an error), Interrupted means "try again".
            let n = match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(Stopped::Eof);
                }
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(Stopped::Blocked),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Goodbye::from_error(e, "reading from", addr)),
            };
            debug!("read {n} bytes from {addr}");
            if !quiet && n == BUF_SIZE {
                // TCP carries bytes, not messages: a longer one goes on in
                // the next read, and is answered piece by piece.
                out.line(lines::full_read(addr, n));
            }
            let message = self.decoder.decode(&buf[..n]);
            if !quiet && !message.is_empty() {
                out.line(lines::message(addr, &message));
            }
            // Each read is one message; its answer waits in the outbox.
            match reply {
                Reply::Fixed(text) => self.outbox.push(text.as_bytes()),
                Reply::Echo | Reply::Typed => self.outbox.push(&buf[..n]),
            }
        }
        if self.eof {
            return Ok(Stopped::Eof);
        }
        debug!(
            "{} bytes wait for {addr}: stop reading it",
            self.outbox.len()
        );
        Ok(Stopped::Full)
    }
    // ANCHOR_END: read

    // ANCHOR: write
    /// Step 6: write pending answers until `write` would block.
    fn write_some(&mut self) -> Result<(), Goodbye> {
        while !self.outbox.is_empty() {
            // 6. send(), non-blocking: it returns how many bytes the socket
            //    took, perhaps fewer than offered. The rest stays queued.
            match self.stream.write(self.outbox.front()) {
                Ok(0) => return Err(Goodbye::Reset),
                Ok(n) => {
                    debug!("write {n} bytes to {}", self.addr);
                    self.outbox.sent(n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Goodbye::from_error(e, "sending to", self.addr)),
            }
        }
        Ok(())
    }
    // ANCHOR_END: write

    // ANCHOR: watch
    /// Asks the poll for WRITABLE only while answers wait (a socket is
    /// writable nearly always: asking otherwise wakes the loop for nothing),
    /// and for READABLE only while the outbox has room.
    fn watch(&mut self, registry: &Registry) -> std::io::Result<()> {
        let read = (!self.eof && self.outbox.has_room()).then_some(Interest::READABLE);
        let write = (!self.outbox.is_empty()).then_some(Interest::WRITABLE);
        let wanted = match (read, write) {
            (Some(r), Some(w)) => r | w,
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => return Ok(()), // nothing to watch: about to close
        };
        if wanted != self.interest {
            registry.reregister(&mut self.stream, self.token, wanted)?;
            self.interest = wanted;
        }
        Ok(())
    }
    // ANCHOR_END: watch

    // ANCHOR: close
    /// Step 7: stop watching the socket, then close it (by dropping it).
    pub fn close(mut self, registry: &Registry) {
        // Deregistering a socket that is already gone cannot fail in a way
        // that matters: it is closed right after either way.
        let _ = registry.deregister(&mut self.stream);
        drop(self.stream);
        debug!("close: {}", self.addr);
    }
    // ANCHOR_END: close
}
