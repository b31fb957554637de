//! The client: N connections, ONE thread, one poll loop.
//!
//! Every connection sends every message as `NAME:text` (lesson 4's wire
//! format: the UTF-8 bytes, no newline) and waits for its answer before
//! sending the next; the loop moves whichever connection is ready. With one
//! connection the messages may be typed; with more they are all given at
//! the start. A server that stops answering is reported after `--timeout`.

use std::collections::HashMap;
use std::io::{BufRead, ErrorKind, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use anyhow::Context;
use common::{advice, args::host_port, LineSource};
use log::debug;
use mio::net::TcpStream;
use mio::{Events, Poll, Registry, Token};
use server_extras::clients_text;

use crate::conversation::{Conversation, State};
use crate::START_SERVER;

/// How many connections, what they send, how long they wait.
pub struct Options {
    /// Put in front of every message, as in `老王:你好`.
    pub name: String,
    /// `--clients N`: connections driven at once.
    pub clients: NonZeroUsize,
    /// The longest any connection waits for the server.
    pub timeout: Duration,
}

/// Where the messages come from.
pub enum Messages<R> {
    /// The same list for every connection (`--message`).
    Scripted(Vec<String>),
    /// Typed one at a time (one connection only).
    Typed(LineSource<R>),
}

impl<R: BufRead> Messages<R> {
    /// The message after the `sent` ones, or `None`: `exit`, or no more.
    fn next(&mut self, sent: usize, out: &mut impl Write) -> anyhow::Result<Option<String>> {
        let line = match self {
            Messages::Scripted(all) => all.get(sent).cloned(),
            Messages::Typed(typed) => typed.prompt(out, "message> ")?,
        };
        Ok(line.filter(|line| line != "exit"))
    }
}

/// Runs every connection to its end; prints each reply and a summary.
pub fn run<R: BufRead>(
    host: &str,
    port: u16,
    options: &Options,
    mut messages: Messages<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let shown = host_port(host, port);
    let server: SocketAddr = (host, port)
        .to_socket_addrs()
        .map_err(|e| advice::connect(e, &shown, START_SERVER))?
        .next()
        .with_context(|| format!("cannot connect to {shown}: the name has no address"))?;
    let mut poll = Poll::new().context("cannot create the client's poll")?;
    let mut events = Events::with_capacity(1024);

    // ANCHOR: connect
    // 1. socket() + connect() for every connection, non-blocking: connect
    //    returns at once, and the socket turns writable when the handshake
    //    is done (or has failed).
    let mut open: HashMap<Token, Conversation> = HashMap::new();
    for number in 1..=options.clients.get() {
        let stream =
            TcpStream::connect(server).map_err(|e| advice::connect(e, &shown, START_SERVER))?;
        debug!("[{number}] socket, connect (non-blocking) to {server}");
        let conv = Conversation::new(number, stream, server, poll.registry(), options.timeout)?;
        open.insert(conv.token, conv);
    }
    // ANCHOR_END: connect
    let (mut replies, mut failures) = (0, Vec::new());

    // ANCHOR: loop
    // 2. The event loop: wait (never past the earliest deadline) until some
    //    connection is ready, move it on as far as it goes without waiting.
    while !open.is_empty() {
        let first_deadline = open.values().map(|c| c.deadline).min();
        let timeout = first_deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e).context("the client's poll failed");
        }
        let mut finished = Vec::new();
        for event in events.iter() {
            let Some(conv) = open.get_mut(&event.token()) else {
                continue;
            };
            match advance(conv, &mut messages, options, out, poll.registry()) {
                Ok(true) => {}
                Ok(false) => finished.push((conv.token, None)),
                Err(e) => finished.push((conv.token, Some(e))),
            }
        }
        // Nothing happened in time: the server is not answering.
        let now = Instant::now();
        for conv in open.values().filter(|c| c.deadline <= now) {
            let e = anyhow::anyhow!(
                "no answer from {server} within {:?}: connection {} was waiting for {}; \
                 is the server running but stuck?",
                options.timeout,
                conv.number,
                conv.waiting_for()
            );
            finished.push((conv.token, Some(e)));
        }
        for (token, failure) in finished {
            // ANCHOR: close
            // 5. close(): stop watching the socket; dropping it closes it.
            if let Some(mut conv) = open.remove(&token) {
                let _ = poll.registry().deregister(&mut conv.stream);
                debug!("[{}] close", conv.number);
                replies += conv.replies;
                if let Some(e) = failure {
                    if options.clients.get() > 1 {
                        writeln!(out, "[{}] failed: {e:#}", conv.number)?;
                    }
                    failures.push(e);
                }
            }
            // ANCHOR_END: close
        }
    }
    // ANCHOR_END: loop

    // The summary, unless no connection got anywhere (then the error says
    // all there is to say).
    let clients = options.clients.get();
    if failures.len() < clients {
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let replies = match replies {
            1 => "1 reply".to_string(),
            n => format!("{n} replies"),
        };
        let who = clients_text(clients);
        writeln!(out, "done: {who}, {replies} in {elapsed_ms:.1} ms")?;
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.remove(0)),
        n => Err(failures
            .remove(0)
            .context(format!("{n} of {clients} connections failed; the first"))),
    }
}

/// Moves one connection on until it would have to wait. `Ok(false)` when
/// it has nothing more to do.
fn advance<R: BufRead>(
    conv: &mut Conversation,
    messages: &mut Messages<R>,
    options: &Options,
    out: &mut impl Write,
    registry: &Registry,
) -> anyhow::Result<bool> {
    loop {
        let state = conv.state;
        match state {
            State::Connecting if conv.finish_connect()? => {
                writeln!(out, "[{}] connected to {}", conv.number, conv.server)?;
            }
            State::Sending if conv.write_some()? => continue, // now Waiting
            State::Waiting => match conv.read_reply()? {
                Some(text) => writeln!(out, "[{}] reply: {text}", conv.number)?,
                None => break,
            },
            State::Done => return Ok(false),
            State::Connecting | State::Sending => break,
        }
        // Connected, or answered: on to the next message, if there is one.
        match messages.next(conv.sent, out)? {
            Some(text) => conv.start_sending(format!("{}:{text}", options.name).into_bytes()),
            None => conv.state = State::Done,
        }
    }
    // It would have to wait: watch for what its state waits on.
    conv.watch(registry)?;
    Ok(true)
}
