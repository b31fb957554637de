//! The server: step 1, the listening socket; steps 2-4, one event loop
//! that accepts clients and gives each ready one a turn. Steps 5-7, what a
//! turn does, are in [`crate::connection`].
//!
//! One thread serves every client. It only ever waits in one place,
//! `poll`, and that wakes as soon as any socket is ready; every other call
//! is non-blocking and returns at once. A client that sends nothing, half a
//! message, or floods without reading costs the others nothing.

use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::num::NonZeroUsize;
use std::time::Duration;

use anyhow::Context;
use common::{advice, args::host_port, Reply};
use log::{debug, warn};
use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token};
use server_extras::{lines, Cap, Output};
use socket2::{Domain, Protocol, Socket, Type};

use crate::connection::{Connection, Turn};

/// The listen backlog unless `--backlog` says otherwise: how many
/// connections the kernel completes and queues before `accept` takes them.
/// The tutorials' `listen(5)` and std's (and mio's) 128 are too few for a
/// crowd that connects at once: Linux drops the handshakes the queue has no
/// room for, and each of those clients retries after 1 s, then 3 s, 7 s...
/// Fired at this server at once, 10,000 connections were all accepted
/// within 0.2 s of the last one with 4096, and not all within 10 s with 128. 4096 is Linux's own
/// limit, /proc/sys/net/core/somaxconn, since 5.4 (128 before); a larger
/// backlog is lowered to that silently, as on macOS (kern.ipc.somaxconn,
/// 128 by default). The queue costs memory only while it is in use.
pub const DEFAULT_BACKLOG: u32 = 4096;

const LISTENER: Token = Token(0);

/// How the server answers and how many clients it takes.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--reply TEXT`, or the message itself (`--echo`, the default).
    pub reply: Reply,
    /// `--max-clients N`: at most N clients at once (`None`: no cap).
    pub max_clients: Option<NonZeroUsize>,
    /// `--quiet`: no line per message, nor per client coming and going.
    pub quiet: bool,
}

// ANCHOR: create
/// Step 1: create a TCP socket, bind it to `host:port`, listen.
pub fn bind(host: &str, port: u16, backlog: u32) -> anyhow::Result<TcpListener> {
    let shown = host_port(host, port);
    let addr: SocketAddr = (host, port)
        .to_socket_addrs()
        .map_err(|e| advice::bind(e, &shown))?
        .next()
        .with_context(|| format!("cannot listen on {shown}: the name has no address"))?;
    // 1. socket(), setsockopt(SO_REUSEADDR), bind(), listen(backlog), one
    //    call each, as in the Python: std's TcpListener::bind does them all
    //    but offers no way to choose the backlog. Then non-blocking, so
    //    accept() says WouldBlock instead of waiting, and over to mio.
    let failed = |e| advice::bind(e, &shown);
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(failed)?;
    #[cfg(unix)] // on Windows SO_REUSEADDR would let another program take the port
    socket.set_reuse_address(true).map_err(failed)?;
    socket.bind(&addr.into()).map_err(failed)?;
    // The backlog travels as a C int; a larger one means "as many as the
    // system allows" anyway.
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    socket.listen(backlog).map_err(failed)?;
    socket.set_nonblocking(true).map_err(failed)?;
    let listener = TcpListener::from_std(socket.into());
    debug!(
        "socket, bind, listen({backlog}): {}",
        listener.local_addr()?
    );
    Ok(listener)
}
// ANCHOR_END: create

/// Everything the one thread keeps between events.
struct Server {
    listener: TcpListener,
    poll: Poll,
    /// Every connected client, by the token its events carry.
    clients: HashMap<Token, Connection>,
    next_token: usize,
    /// Connections with work left that no event will announce (see Turn).
    again: VecDeque<Token>,
    cap: Cap,
    options: Options,
    out: Output,
}

/// Steps 2-4: serve clients forever, all on this thread.
pub fn serve(mut listener: TcpListener, options: Options, out: Output) -> anyhow::Result<()> {
    // ANCHOR: register
    // 2. One poll watches every socket; first the listener, for reading
    //    ("a client is waiting to be accepted").
    let poll = Poll::new().context("cannot create the event loop's poll")?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    // ANCHOR_END: register
    let cap = Cap::new(options.max_clients);
    let mut server = Server {
        listener,
        poll,
        clients: HashMap::new(),
        next_token: 1,
        again: VecDeque::new(),
        cap,
        options,
        out,
    };
    server.run()
}

impl Server {
    // ANCHOR: serve
    /// Step 3, the event loop: wait until some socket is ready, give each
    /// ready one a turn, wait again. Nothing here waits for one client.
    fn run(&mut self) -> anyhow::Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            // 3. select(): the only place this thread ever waits (not at
            //    all while some connection still has work to finish).
            let timeout = (!self.again.is_empty()).then_some(Duration::ZERO);
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() == ErrorKind::Interrupted {
                    continue; // a signal arrived while waiting: wait again
                }
                return Err(e).context("the event loop's poll failed");
            }
            let mut ready: Vec<Token> = self.again.drain(..).collect();
            ready.extend(events.iter().map(|event| event.token()));
            for token in ready {
                if token == LISTENER {
                    self.accept_all();
                } else {
                    self.take_turn(token);
                }
            }
        }
    }
    // ANCHOR_END: serve

    // ANCHOR: accept
    /// Step 4: accept every client that is waiting, until accept would block.
    fn accept_all(&mut self) {
        loop {
            // 4. accept(), non-blocking: WouldBlock means nobody else waits.
            let (stream, addr) = match self.listener.accept() {
                Ok(pair) => pair,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
                Err(e) => {
                    // E.g. out of file descriptors. The client stays queued
                    // and is tried again when the next one connects.
                    warn!("accept failed: {}", advice::explain(&e));
                    return;
                }
            };
            debug!("accept: {addr}");
            // Added to the tutorial: --max-clients. One client too many is
            // told why (one write: a new socket's buffer takes these few
            // bytes), then closed as its stream is dropped.
            let now = match self.cap.try_take() {
                Ok(now) => now,
                Err(full) => {
                    let why = full.refusal();
                    let _ = (&stream).write(why.as_bytes());
                    self.out.line(lines::refused(addr, &why));
                    continue;
                }
            };
            let token = Token(self.next_token);
            self.next_token += 1;
            match Connection::new(stream, addr, token, self.poll.registry()) {
                Ok(conn) => {
                    self.clients.insert(token, conn);
                    if !self.options.quiet {
                        self.out.line(lines::connected(addr, now));
                    }
                }
                Err(e) => {
                    self.cap.give_back();
                    warn!("cannot watch {addr}: {}", advice::explain(&e));
                }
            }
        }
    }
    // ANCHOR_END: accept

    /// Steps 5-7 for one ready client (see [`Connection::take_turn`]).
    fn take_turn(&mut self, token: Token) {
        // Closed earlier in this round: nothing left to do.
        let Some(conn) = self.clients.get_mut(&token) else {
            return;
        };
        let Options { reply, quiet, .. } = &self.options;
        match conn.take_turn(reply, *quiet, &self.out, self.poll.registry()) {
            Turn::Wait => {}
            Turn::Again => self.again.push_back(token),
            Turn::Over(goodbye) => {
                let Some(conn) = self.clients.remove(&token) else {
                    return;
                };
                let addr = conn.addr;
                conn.close(self.poll.registry());
                let now = self.cap.give_back();
                if !self.options.quiet || goodbye.printed_when_quiet() {
                    self.out.line(lines::left(addr, &goodbye, now));
                }
            }
        }
    }
}
