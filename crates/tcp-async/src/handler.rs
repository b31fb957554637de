//! Step 1: one client's task (Python's `handle_client` coroutine).
//!
//! It reads like lesson 4's thread: read a message, print it, answer,
//! repeat until the client leaves. The difference is invisible in the code
//! and is the whole lesson: where lesson 4's `read` blocked its thread,
//! `read(..).await` suspends only this task, and the one thread goes on
//! running every other client's.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{advice, Encoding};
use log::debug;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::clients::{clients_text, Seat};
use crate::BUF_SIZE;

/// How the server answers: the message itself, or a fixed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The bytes received, unchanged (the default; `--echo`).
    Echo,
    /// Always this text (`--reply TEXT`).
    Fixed(String),
}

/// What every client's task shares.
pub struct Handler {
    pub answer: Answer,
    /// `--quiet`: no line per message, nor per client coming and going.
    pub quiet: bool,
    answered: AtomicUsize,
}

/// How a conversation ended.
#[derive(Debug)]
pub enum Goodbye {
    Closed,
    Reset,
    ClosedByServer,
    Failed(String),
}

impl fmt::Display for Goodbye {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goodbye::Closed => write!(f, "closed the connection"),
            Goodbye::Reset => write!(f, "reset the connection"),
            Goodbye::ClosedByServer => write!(f, "was closed by the server"),
            Goodbye::Failed(why) => write!(f, "was dropped: {why}"),
        }
    }
}

impl Handler {
    pub fn new(answer: Answer, quiet: bool) -> Handler {
        Handler {
            answer,
            quiet,
            answered: AtomicUsize::new(0),
        }
    }

    /// How many messages have been answered so far, by every task.
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::Relaxed)
    }

    // ANCHOR: handler
    /// Step 1, one client's whole life as a task: talk until it leaves or
    /// the server stops, then close and give its seat back.
    pub async fn serve_client(
        self: Arc<Self>,
        mut stream: TcpStream,
        addr: SocketAddr,
        seat: Seat,
        mut stop: watch::Receiver<bool>,
    ) {
        let goodbye = self.talk(&mut stream, addr, &mut stop).await;

        // ANCHOR: close
        // 1.3 close(): dropping the stream closes the connection.
        drop(stream);
        let now = seat.leave();
        debug!("close: {addr}");
        if !self.quiet || matches!(goodbye, Goodbye::Failed(_)) {
            println!("{addr} {goodbye} ({} now)", clients_text(now));
        }
        // ANCHOR_END: close
    }
    // ANCHOR_END: handler

    /// Steps 1.1 and 1.2, repeated until the conversation ends.
    async fn talk(
        &self,
        stream: &mut TcpStream,
        addr: SocketAddr,
        stop: &mut watch::Receiver<bool>,
    ) -> Goodbye {
        let mut buf = [0u8; BUF_SIZE];
        let mut decoder = Encoding::Utf8.decoder();
        loop {
            // ANCHOR: recv
            // 1.1 read(1024).await: this task sleeps until bytes come, and
            //     the thread runs other tasks meanwhile. It also wakes when
            //     the server stops; `biased` tries the read first, so bytes
            //     that are already here still get their answer.
            let n = tokio::select! {
                biased;
                read = stream.read(&mut buf) => match read {
                    Ok(0) => return Goodbye::Closed,
                    Ok(n) => n,
                    Err(e) => return failed(e, "reading from", addr),
                },
                _ = stop.wait_for(|&stopping| stopping) => return Goodbye::ClosedByServer,
            };
            debug!("read {n} bytes from {addr}");
            if n == BUF_SIZE && !self.quiet {
                println!(
                    "{addr}: {n} bytes arrived (a full read); \
                     the rest, if any, comes in the next read"
                );
            }
            let message = decoder.decode(&buf[..n]);
            if !self.quiet && !message.is_empty() {
                println!("from {addr}: {message}");
            }
            // ANCHOR_END: recv

            // ANCHOR: reply
            // 1.2 write_all(..).await: sendall(). When the client does not
            //     read, its buffers fill and this await waits: the task
            //     stops reading from that client, so the server never holds
            //     more than one buffer for it (backpressure, drain() in
            //     Python).
            let answer = match &self.answer {
                Answer::Echo => &buf[..n],
                Answer::Fixed(text) => text.as_bytes(),
            };
            if let Err(e) = stream.write_all(answer).await {
                return failed(e, "sending to", addr);
            }
            debug!("write {} bytes to {addr}", answer.len());
            self.answered.fetch_add(1, Ordering::Relaxed);
            // ANCHOR_END: reply
        }
    }
}

/// A failed read or write: a client that went away, or something else.
fn failed(err: std::io::Error, doing: &str, addr: SocketAddr) -> Goodbye {
    if advice::is_disconnect(&err) {
        Goodbye::Reset
    } else {
        Goodbye::Failed(advice::conversation(err, doing, addr).to_string())
    }
}
