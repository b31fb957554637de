//! Step 1: what each client's thread does (Python's `BaseRequestHandler`
//! subclass and its `handle()` method).
//!
//! Read a message, print it with the client's address, answer, repeat,
//! until the client closes or resets the connection. Everything a client
//! thread needs is in one [`Handler`], shared by all of them through an `Arc`.

use std::fmt;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use common::{advice, Encoding, Reply};
use log::debug;

use crate::clients::Seat;
use crate::output::Output;
use crate::reply_desk::Desk;
use crate::{clients_text, BUF_SIZE};

/// What every client thread shares: how to answer, and where to print.
pub struct Handler {
    /// Typed (through `desk`), `--reply TEXT` or `--echo`.
    pub reply: Reply,
    /// The reply desk; `Some` exactly when `reply` is [`Reply::Typed`].
    pub desk: Option<Desk>,
    /// `--quiet`: no line per message, nor per client coming and going.
    pub quiet: bool,
    /// Where lines are printed.
    pub out: Output,
}

/// How a conversation with one client ended.
#[derive(Debug)]
pub enum Goodbye {
    /// The client closed the connection (a read returned 0 bytes).
    Closed,
    /// The client reset the connection.
    Reset,
    /// The person at the server stopped typing answers.
    NoReply,
    /// The server shut the connection down (it is stopping).
    ClosedByServer,
    /// Something else went wrong on this connection.
    Failed(anyhow::Error),
}

impl fmt::Display for Goodbye {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goodbye::Closed => write!(f, "closed the connection"),
            Goodbye::Reset => write!(f, "reset the connection"),
            Goodbye::NoReply => write!(f, "was closed: no more typed replies"),
            Goodbye::ClosedByServer => write!(f, "was closed by the server"),
            Goodbye::Failed(e) => write!(f, "was dropped: {e:#}"),
        }
    }
}

impl Handler {
    // ANCHOR: handler
    /// Step 1, one client's whole life on its own thread: talk until it
    /// leaves, then close the connection and give its seat back.
    pub fn serve_client(&self, stream: Arc<TcpStream>, addr: SocketAddr, seat: Seat) {
        let mut goodbye = self.talk(&stream, addr);
        if seat.clients().closing() && !matches!(goodbye, Goodbye::NoReply) {
            // The server shut this connection down; whatever the thread saw
            // (0 bytes, a failed write) was the server's doing.
            goodbye = Goodbye::ClosedByServer;
        }

        // ANCHOR: close
        // 1.3 close(): the roll holds the other reference to this socket;
        //     giving the seat back drops it, so the connection closes here.
        drop(stream);
        let now = seat.leave();
        debug!("close: {addr}");
        if !self.quiet || matches!(goodbye, Goodbye::Failed(_)) {
            self.out
                .line(format!("{addr} {goodbye} ({} now)", clients_text(now)));
        }
        // ANCHOR_END: close
    }

    /// Steps 1.1 and 1.2, repeated until the conversation ends.
    fn talk(&self, stream: &TcpStream, addr: SocketAddr) -> Goodbye {
        // `&TcpStream` reads and writes: this thread and the roll share one
        // socket. The decoder carries a character split between two reads.
        let mut conn = stream;
        let mut decoder = Encoding::Utf8.decoder();
        let mut buf = [0u8; BUF_SIZE];
        loop {
            // ANCHOR: recv
            // 1.1 recv(1024): one read of at most 1024 bytes. Zero bytes is
            //     not an empty message: the client has closed (the tutorial
            //     missed this and kept asking for replies to nobody).
            let n = match conn.read(&mut buf) {
                Ok(0) => return Goodbye::Closed,
                Ok(n) => n,
                Err(e) => return failed(e, "reading from", addr),
            };
            debug!("read {n} bytes from {addr}");
            let message = decoder.decode(&buf[..n]);
            if message.is_empty() {
                // Only the start of a character arrived; wait for the rest.
                continue;
            }
            if !self.quiet {
                self.out.line(format!("from {addr}: {message}"));
            }
            // ANCHOR_END: recv

            // ANCHOR: reply
            // 1.2 Answer, then sendall() (write_all). A typed answer comes
            //     from the reply desk, the only thread that reads stdin.
            let answer = match &self.reply {
                Reply::Typed => self.desk.as_ref().and_then(|desk| desk.ask(addr)),
                Reply::Fixed(text) => Some(text.clone()),
                Reply::Echo => Some(message),
            };
            let Some(answer) = answer else {
                return Goodbye::NoReply;
            };
            if let Err(e) = conn.write_all(answer.as_bytes()) {
                return failed(e, "sending to", addr);
            }
            debug!("write {} bytes to {addr}", answer.len());
            // ANCHOR_END: reply
        }
    }
    // ANCHOR_END: handler
}

/// A failed read or write: a reset (or a closed pipe) is the client leaving;
/// anything else is reported with the error.
fn failed(e: std::io::Error, doing: &str, addr: SocketAddr) -> Goodbye {
    if advice::is_disconnect(&e) {
        Goodbye::Reset
    } else {
        Goodbye::Failed(advice::conversation(e, doing, addr))
    }
}
