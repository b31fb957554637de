//! Step 3: one client's task (Python's `handle_client` coroutine).
//!
//! It reads like lesson 4's thread: read a message, print it, answer,
//! repeat until the client leaves. The difference is invisible in the code
//! and is the whole lesson: where lesson 4's `read` blocked its thread,
//! `read(..).await` suspends only this task, and the one thread goes on
//! running every other client's.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::Encoding;
use log::debug;
use server_extras::{lines, Goodbye, Output, Place};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

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
    /// Where lines are printed.
    pub out: Output,
    answered: AtomicUsize,
}

impl Handler {
    pub fn new(answer: Answer, quiet: bool, out: Output) -> Handler {
        Handler {
            answer,
            quiet,
            out,
            answered: AtomicUsize::new(0),
        }
    }

    /// How many messages have been answered so far, by every task.
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::Relaxed)
    }

    // ANCHOR: handler
    /// Step 3, one client's whole life as a task: talk until it leaves or
    /// the server stops, then close and give its place back.
    pub async fn handle(
        self: Arc<Self>,
        mut stream: TcpStream,
        addr: SocketAddr,
        place: Place,
        mut stop: watch::Receiver<bool>,
    ) {
        let goodbye = self.talk(&mut stream, addr, &mut stop).await;

        // ANCHOR: close
        // 3.3 close(): dropping the stream closes the connection.
        drop(stream);
        let now = place.leave();
        debug!("close: {addr}");
        if !self.quiet || goodbye.printed_when_quiet() {
            self.out.line(lines::left(addr, &goodbye, now));
        }
        // ANCHOR_END: close
    }
    // ANCHOR_END: handler

    /// Steps 3.1 and 3.2, repeated until the conversation ends.
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
            // 3.1 read(1024).await: this task sleeps until bytes come, and
            //     the thread runs other tasks meanwhile. It also wakes when
            //     the server stops; `biased` tries the read first, so bytes
            //     that are already here still get their answer.
            let n = tokio::select! {
                biased;
                read = stream.read(&mut buf) => match read {
                    Ok(0) => return Goodbye::Closed,
                    Ok(n) => n,
                    Err(e) => return Goodbye::from_error(e, "reading from", addr),
                },
                _ = stop.wait_for(|&stopping| stopping) => return Goodbye::ClosedByServer,
            };
            debug!("read {n} bytes from {addr}");
            if n == BUF_SIZE && !self.quiet {
                self.out.line(lines::full_read(addr, n));
            }
            let message = decoder.decode(&buf[..n]);
            if !self.quiet && !message.is_empty() {
                self.out.line(lines::message(addr, &message));
            }
            // ANCHOR_END: recv

            // ANCHOR: reply
            // 3.2 write_all(..).await: sendall(). When the client does not
            //     read, its buffers fill and this await waits: the task
            //     stops reading from that client, so the server never holds
            //     more than one buffer for it (backpressure; drain() in the
            //     Python).
            let answer = match &self.answer {
                Answer::Echo => &buf[..n],
                Answer::Fixed(text) => text.as_bytes(),
            };
            if let Err(e) = stream.write_all(answer).await {
                return Goodbye::from_error(e, "sending to", addr);
            }
            debug!("write {} bytes to {addr}", answer.len());
            self.answered.fetch_add(1, Ordering::Relaxed);
            // ANCHOR_END: reply
        }
    }
}
