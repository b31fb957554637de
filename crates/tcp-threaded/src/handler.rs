//! Step 3: what each client's thread does (Python's `BaseRequestHandler`
//! subclass and its `handle()` method).
//!
//! Read a message, print it with the client's address, answer, repeat,
//! until the client closes or resets the connection; then close. Everything
//! a client thread needs is in one [`Handler`], shared by all of them
//! through an `Arc`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use common::{Encoding, Reply};
use log::debug;
use server_extras::{lines, Goodbye, Output, Place};

use crate::extras::connections::Connections;
use crate::extras::reply_desk::ReplyDesk;
use crate::BUF_SIZE;

/// What every client thread shares: how to answer, and where to print.
pub struct Handler {
    /// Typed (through `desk`), `--reply TEXT` or `--echo`.
    pub reply: Reply,
    /// The reply desk; `Some` exactly when `reply` is [`Reply::Typed`].
    pub desk: Option<ReplyDesk>,
    /// `--quiet`: no line per message, nor per client coming and going.
    pub quiet: bool,
    /// Where lines are printed.
    pub out: Output,
    /// The open connections; a thread takes its own off the list as it
    /// closes, and asks it whether the server ended the conversation.
    pub connections: Arc<Connections>,
}

impl Handler {
    // ANCHOR: handler
    /// Step 3, `handle()`: one client's whole life on its own thread. Talk
    /// until it leaves, then close the connection and give its place back.
    pub fn handle(&self, stream: Arc<TcpStream>, addr: SocketAddr, place: Place) {
        // `&TcpStream` reads and writes: the list of connections can shut
        // this socket down meanwhile. The decoder carries a character split
        // between two reads over to the next one.
        let mut conn = &*stream;
        let mut decoder = Encoding::Utf8.decoder();
        let mut buf = [0u8; BUF_SIZE];
        let goodbye = loop {
            // ANCHOR: recv
            // 3.1 recv(1024): one read of at most 1024 bytes. Zero bytes is
            //     not an empty message: the client has closed (the tutorial
            //     missed this and kept asking for replies to nobody).
            let n = match conn.read(&mut buf) {
                Ok(0) => break Goodbye::Closed,
                Ok(n) => n,
                Err(e) => break Goodbye::from_error(e, "reading from", addr),
            };
            debug!("read {n} bytes from {addr}");
            if n == BUF_SIZE && !self.quiet {
                // TCP carries bytes, not messages: a longer one goes on in
                // the next read, and is answered piece by piece.
                self.out.line(lines::full_read(addr, n));
            }
            let message = decoder.decode(&buf[..n]);
            if message.is_empty() {
                continue; // only the start of a character; wait for the rest
            }
            if !self.quiet {
                self.out.line(lines::message(addr, &message));
            }
            // ANCHOR_END: recv

            // ANCHOR: reply
            // 3.2 Answer, then sendall() (write_all). A typed answer comes
            //     from the reply desk, the only thread that reads stdin.
            let answer = match &self.reply {
                Reply::Typed => self.desk.as_ref().and_then(|desk| desk.ask(addr)),
                Reply::Fixed(text) => Some(text.clone()),
                Reply::Echo => Some(message),
            };
            let Some(answer) = answer else {
                break Goodbye::NoReply;
            };
            if let Err(e) = conn.write_all(answer.as_bytes()) {
                break Goodbye::from_error(e, "sending to", addr);
            }
            debug!("write {} bytes to {addr}", answer.len());
            // ANCHOR_END: reply
        };
        let goodbye = self.connections.who_ended(goodbye);

        // ANCHOR: close
        // 3.3 close(): this thread owns the socket (the list of connections
        //     only has a weak handle on it), so dropping it closes the
        //     connection. Then the client's place under the cap is free.
        drop(stream);
        self.connections.remove(addr);
        let now = place.leave();
        debug!("close: {addr}");
        if !self.quiet || goodbye.printed_when_quiet() {
            self.out.line(lines::left(addr, &goodbye, now));
        }
        // ANCHOR_END: close
    }
    // ANCHOR_END: handler
}
