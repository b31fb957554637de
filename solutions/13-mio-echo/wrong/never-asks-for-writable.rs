// Asks only for READABLE: output left pending when the socket was full is never sent, and a client over the cap looks done and is dropped.
//! Exercise 13: an echo server on one thread, with mio.
//!
//! Read first: book/src/lessons/tcp-select.md (non-blocking sockets, an
//! event loop). The task is in this exercise's README.md; `just check 13`
//! tells you what is left to do.
//!
//! `Poll::poll` sleeps until some socket is ready, then says which. A
//! non-blocking `write` may take only part of what it is given (or nothing:
//! `WouldBlock`), so each client keeps the bytes still to send in
//! `pending`, and asks to hear when it is WRITABLE again only while there
//! are some. A client that sends without reading would make `pending` grow
//! for ever: above `cap` bytes the server stops reading that client until
//! it has read its echo. That is backpressure: TCP then slows the sender.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token};

/// The listener's token; clients get 1, 2, 3...
const LISTENER: Token = Token(0);

/// How much one `read` takes at most.
const CHUNK: usize = 16 * 1024;

/// One connected client.
struct Client {
    stream: TcpStream,
    /// Bytes received and not yet echoed, oldest first.
    pending: Vec<u8>,
    /// The client has closed its side: nothing more to read.
    eof: bool,
}

impl Client {
    /// Writes as much of `pending` as the socket takes now, removing what
    /// was written. Stops at `WouldBlock`: the rest waits for WRITABLE.
    fn flush(&mut self) -> io::Result<()> {
        // TODO-BEGIN: Write pending bytes until none are left or WouldBlock.
        // `write` returns how many bytes it took: drain exactly those from
        // the front of `pending`. `write_all` cannot be used here: on
        // WouldBlock it returns an error, and you cannot tell how much of
        // the buffer was sent.
        while !self.pending.is_empty() {
            match self.stream.write(&self.pending) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.pending.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
        // TODO-END
    }

    /// Reads into `pending` until the socket has nothing more (`WouldBlock`),
    /// the client has closed (`eof`), or `pending` holds `cap` bytes or more.
    fn fill(&mut self, cap: usize) -> io::Result<()> {
        // TODO-BEGIN: Read into pending until WouldBlock, end of stream, or the cap.
        // mio reports a socket READABLE once per change ("edge-triggered"):
        // read until WouldBlock, or you may never hear about the rest. The
        // one exception is the cap: then stop, and read again once the
        // client has taken its echo (`handle` calls `fill` after `flush`).
        let mut buf = [0u8; CHUNK];
        while !self.eof && self.pending.len() < cap {
            match self.stream.read(&mut buf) {
                Ok(0) => self.eof = true,
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
        // TODO-END
    }

    /// What to wait for next: READABLE while there is room under `cap` (and
    /// the client has not closed), WRITABLE while bytes are pending. `None`
    /// when neither: the client is done.
    fn interest(&self, cap: usize) -> Option<Interest> {
        // TODO-BEGIN: READABLE while under the cap, WRITABLE while pending.
        // `Interest::READABLE | Interest::WRITABLE` asks for both; mio has
        // no empty interest, hence the Option.
        let read = (!self.eof && self.pending.len() < cap).then_some(Interest::READABLE);
        read
        // TODO-END
    }

    /// Does what the client is ready for, then says what to wait for next
    /// (written for you). `Ok(false)`: the client is done.
    fn handle(&mut self, registry: &Registry, token: Token, cap: usize) -> io::Result<bool> {
        // Send first: that makes room under the cap, so reading may resume.
        self.flush()?;
        self.fill(cap)?;
        self.flush()?;
        match self.interest(cap) {
            Some(interest) => {
                registry.reregister(&mut self.stream, token, interest)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Echoes everything each client sends back to it, serving every client
/// from this one thread; stops reading a client while more than `cap` of
/// its bytes wait to be echoed. Returns once `clients` clients have
/// connected and all of them have left.
pub fn serve(listener: std::net::TcpListener, clients: usize, cap: usize) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut events = Events::with_capacity(128);
    let mut connected: HashMap<Token, Client> = HashMap::new();
    let mut accepted = 0;
    while accepted < clients || !connected.is_empty() {
        match poll.poll(&mut events, None) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        for event in events.iter() {
            let token = event.token();
            if token == LISTENER {
                // TODO-BEGIN: Accept until WouldBlock (at most `clients` in all).
                // Register each new stream READABLE under a token of its own
                // (`Token(accepted + 1)`) and keep it in `connected`.
                while accepted < clients {
                    match listener.accept() {
                        Ok((mut stream, _addr)) => {
                            accepted += 1;
                            let token = Token(accepted);
                            poll.registry()
                                .register(&mut stream, token, Interest::READABLE)?;
                            let client = Client {
                                stream,
                                pending: Vec::new(),
                                eof: false,
                            };
                            connected.insert(token, client);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                // TODO-END
            } else if let Some(client) = connected.get_mut(&token) {
                // A client that fails (it reset, say) is dropped; the
                // others carry on.
                let keep = client.handle(poll.registry(), token, cap).unwrap_or(false);
                if !keep {
                    if let Some(mut gone) = connected.remove(&token) {
                        let _ = poll.registry().deregister(&mut gone.stream);
                    }
                }
            }
        }
    }
    Ok(())
}
