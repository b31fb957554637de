//! One connection's progress through its messages, a step at a time.
//!
//! The client's loop (in [`crate::client`]) owns many of these and never
//! waits for any one of them. Each remembers where it is (connecting,
//! sending, waiting for the answer, done), what is still to be sent, and
//! until when it may wait before the server counts as not answering.

use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{advice, Encoding, TextDecoder};
use log::debug;
use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use server_extras::BUSY;

use crate::{BUF_SIZE, START_SERVER};

/// Where a conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The handshake is under way: writable means it has finished.
    Connecting,
    /// Part of a message is still to be written.
    Sending,
    /// The message is sent; the answer has not come yet.
    Waiting,
    /// Every message is answered: ready to close.
    Done,
}

/// One connection: its socket, its state and its counts.
pub struct Conversation {
    pub number: usize,
    pub stream: TcpStream,
    pub token: Token,
    pub state: State,
    pub server: SocketAddr,
    /// How many messages were sent, and how many answered.
    pub sent: usize,
    pub replies: usize,
    outgoing: Vec<u8>,
    written: usize,
    decoder: TextDecoder,
    /// Give up on the server if nothing happens before this.
    pub deadline: Instant,
    timeout: Duration,
}

impl Conversation {
    /// A connection being made (step 1), watched for writable: the end of
    /// the handshake.
    pub fn new(
        number: usize,
        mut stream: TcpStream,
        server: SocketAddr,
        registry: &Registry,
        timeout: Duration,
    ) -> std::io::Result<Conversation> {
        let token = Token(number);
        registry.register(&mut stream, token, Interest::WRITABLE)?;
        Ok(Conversation {
            number,
            stream,
            token,
            state: State::Connecting,
            server,
            sent: 0,
            replies: 0,
            outgoing: Vec::new(),
            written: 0,
            decoder: Encoding::Utf8.decoder(),
            deadline: Instant::now() + timeout,
            timeout,
        })
    }

    /// After a writable event while connecting: `Ok(true)` once connected,
    /// `Ok(false)` if the handshake is still under way (a spurious event).
    pub fn finish_connect(&mut self) -> anyhow::Result<bool> {
        let refused = |e| advice::connect(e, self.server, START_SERVER);
        if let Some(e) = self.stream.take_error()? {
            return Err(refused(e));
        }
        match self.stream.peer_addr() {
            Ok(_) => {
                debug!("[{}] connected to {}", self.number, self.server);
                Ok(true)
            }
            Err(e) if e.kind() == ErrorKind::NotConnected => Ok(false),
            Err(e) => Err(refused(e)),
        }
    }

    // ANCHOR: send
    /// Step 3: starts sending `message`.
    pub fn start_sending(&mut self, message: Vec<u8>) {
        self.outgoing = message;
        self.written = 0;
        self.sent += 1;
        self.state = State::Sending;
        self.deadline = Instant::now() + self.timeout;
    }

    /// Writes what the socket takes now. `Ok(true)` when all is written.
    pub fn write_some(&mut self) -> anyhow::Result<bool> {
        while self.written < self.outgoing.len() {
            // 3. send(), non-blocking: it may take part of the message; the
            //    rest goes when the socket is writable again.
            match self.stream.write(&self.outgoing[self.written..]) {
                Ok(n) => {
                    debug!("[{}] write {n} bytes to {}", self.number, self.server);
                    self.written += n;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(advice::conversation(e, "sending to", self.server)),
            }
        }
        self.state = State::Waiting;
        Ok(true)
    }
    // ANCHOR_END: send

    // ANCHOR: recv
    /// Step 4: reads everything there is, until `read` would block. `Ok(None)`:
    /// nothing (or only part of a character) yet; `Ok(Some(text))`: the
    /// answer. A close before any answer, or a refusal, is an error.
    pub fn read_reply(&mut self) -> anyhow::Result<Option<String>> {
        let mut buf = [0u8; BUF_SIZE];
        let mut text = String::new();
        let mut closed = false;
        loop {
            // 4. recv(1024) until WouldBlock: edge-triggered readiness
            //    promises no second event for bytes left unread.
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    closed = true;
                    break;
                }
                Ok(n) => {
                    debug!("[{}] read {n} bytes from {}", self.number, self.server);
                    text.push_str(&self.decoder.decode(&buf[..n]));
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // An answer, then a reset (a refusal sent by a server that
                // closed with our message unread): the answer still counts.
                Err(e) if advice::is_disconnect(&e) && !text.is_empty() => {
                    closed = true;
                    break;
                }
                Err(e) => return Err(advice::conversation(e, "reading from", self.server)),
            }
        }
        if text.starts_with(BUSY) {
            anyhow::bail!(
                "the server at {} turned this client away: {text}",
                self.server
            );
        }
        if closed && text.is_empty() {
            anyhow::bail!(
                "the server at {} closed the connection before replying",
                self.server
            );
        }
        if text.is_empty() {
            return Ok(None);
        }
        self.replies += 1;
        Ok(Some(text))
    }
    // ANCHOR_END: recv

    /// Watches for what the current state waits on.
    pub fn watch(&mut self, registry: &Registry) -> std::io::Result<()> {
        let interest = match self.state {
            State::Connecting | State::Sending => Interest::WRITABLE,
            State::Waiting | State::Done => Interest::READABLE,
        };
        registry.reregister(&mut self.stream, self.token, interest)
    }

    /// What this conversation waits for, for the timeout's message.
    pub fn waiting_for(&self) -> String {
        match self.state {
            State::Connecting => "the connection to be accepted".to_string(),
            State::Sending => format!("message {} to be taken", self.sent),
            State::Waiting | State::Done => format!("a reply to message {}", self.sent),
        }
    }
}
