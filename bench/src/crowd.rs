//! A crowd of connections driven from one thread, for the scale scenarios.
//!
//! Unlike the closed-loop load generator, a crowd moves in step: the storm
//! opens every connection at once and sends one message on each as soon as
//! it is connected; a round sends one message on every connection at once.
//! Each phase ends when every connection has its whole echo back, or at its
//! deadline, and reports how long that took and what failed. Between
//! phases the connections stay open and idle, which is when a server's
//! memory per connection is read.
//!
//! The storm's clock stops at the last *echo*, not at the last connect: a
//! client's connect can finish while its connection still waits in the
//! server's accept queue (or while the kernel has dropped its handshake's
//! last ACK because that queue was full), and only an echo proves the
//! server took it.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use serde::{Deserialize, Serialize};

/// Bytes per message: the measurements in the course's notes used 32.
pub const MESSAGE_BYTES: usize = 32;

/// What one phase (the storm, or one round) did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// From the phase's start to the last echo (or to the deadline).
    pub seconds: f64,
    /// Connections whose echo came back whole and unchanged.
    pub answered: usize,
    /// Failures by kind ("Connection refused", "no echo within 90s"...).
    pub errors: BTreeMap<String, u64>,
}

impl Phase {
    /// All failures.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// The non-blocking connect is under way.
    Connecting,
    /// Sending the message (maybe in pieces), then reading its echo.
    Talking,
    /// Echo back, waiting for the next round.
    Idle,
    /// Failed (counted), closed.
    Failed,
}

struct Conn {
    stream: Option<TcpStream>,
    state: State,
    message: [u8; MESSAGE_BYTES],
    sent: usize,
    received: usize,
}

/// Connections that move in step; closed when dropped.
pub struct Crowd {
    poll: Poll,
    conns: Vec<Conn>,
    round: u32,
}

impl Crowd {
    /// The storm: opens `n` connections to `addr` at once and sends one
    /// message on each as soon as it is connected. Returns when every one
    /// has its echo, or at `deadline` after the start.
    pub fn storm(addr: SocketAddr, n: usize, deadline: Duration) -> anyhow::Result<(Crowd, Phase)> {
        let poll = Poll::new().context("cannot create an epoll instance")?;
        let mut crowd = Crowd {
            poll,
            conns: Vec::with_capacity(n),
            round: 0,
        };
        let mut phase = Phase::default();
        let start = Instant::now();
        for i in 0..n {
            let mut conn = Conn {
                stream: None,
                state: State::Connecting,
                message: message(i, 0),
                sent: 0,
                received: 0,
            };
            // socket() + connect() without waiting: the handshake goes on in
            // the kernel while the next connection is opened.
            match TcpStream::connect(addr) {
                Ok(mut stream) => {
                    let interest = Interest::READABLE | Interest::WRITABLE;
                    match crowd
                        .poll
                        .registry()
                        .register(&mut stream, Token(i), interest)
                    {
                        Ok(()) => conn.stream = Some(stream),
                        Err(e) => fail(&mut conn, &mut phase, &e),
                    }
                }
                // Out of file descriptors (EMFILE) or local ports: counted.
                Err(e) => fail(&mut conn, &mut phase, &e),
            }
            crowd.conns.push(conn);
        }
        crowd.run(&mut phase, start, deadline)?;
        Ok((crowd, phase))
    }

    /// One round: one message on every connection still open, at once.
    pub fn round(&mut self, deadline: Duration) -> anyhow::Result<Phase> {
        self.round += 1;
        let mut phase = Phase::default();
        let start = Instant::now();
        for i in 0..self.conns.len() {
            let conn = &mut self.conns[i];
            if conn.state != State::Idle {
                continue;
            }
            conn.message = message(i, self.round);
            conn.state = State::Talking;
            conn.sent = 0;
            conn.received = 0;
            step(conn, &mut phase);
        }
        self.run(&mut phase, start, deadline)?;
        Ok(phase)
    }

    /// Connections open and answered so far.
    pub fn open(&self) -> usize {
        self.conns.iter().filter(|c| c.state == State::Idle).count()
    }

    /// Drives every busy connection until none is busy or the deadline.
    fn run(&mut self, phase: &mut Phase, start: Instant, deadline: Duration) -> anyhow::Result<()> {
        let mut events = Events::with_capacity(1024);
        let end = start + deadline;
        loop {
            let busy = self
                .conns
                .iter()
                .filter(|c| matches!(c.state, State::Connecting | State::Talking))
                .count();
            if busy == 0 {
                break;
            }
            let now = Instant::now();
            if now >= end {
                let why = format!("no echo within {deadline:?}");
                for conn in &mut self.conns {
                    if matches!(conn.state, State::Connecting | State::Talking) {
                        conn.state = State::Failed;
                        conn.stream = None;
                        *phase.errors.entry(why.clone()).or_default() += 1;
                    }
                }
                break;
            }
            match self.poll.poll(&mut events, Some(end - now)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).context("epoll_wait failed"),
            }
            for event in &events {
                if let Some(conn) = self.conns.get_mut(event.token().0) {
                    step(conn, phase);
                }
            }
        }
        phase.seconds = start.elapsed().as_secs_f64();
        phase.answered = self.open();
        Ok(())
    }
}

/// Does whatever one connection can do now without waiting (mio's events
/// are edge-triggered: read and write until the kernel says "would block").
fn step(conn: &mut Conn, phase: &mut Phase) {
    if let Err(e) = try_step(conn) {
        fail(conn, phase, &e);
    }
}

fn try_step(conn: &mut Conn) -> io::Result<()> {
    let Some(stream) = conn.stream.as_mut() else {
        return Ok(());
    };
    if conn.state == State::Connecting {
        if !connected(stream)? {
            return Ok(());
        }
        conn.state = State::Talking;
    }
    if conn.state != State::Talking {
        return Ok(());
    }
    while conn.sent < MESSAGE_BYTES {
        match stream.write(&conn.message[conn.sent..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => conn.sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut buf = [0u8; MESSAGE_BYTES];
    while conn.received < MESSAGE_BYTES {
        match stream.read(&mut buf[..MESSAGE_BYTES - conn.received]) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed by the server",
                ))
            }
            Ok(n) => {
                if buf[..n] != conn.message[conn.received..conn.received + n] {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "wrong echo"));
                }
                conn.received += n;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    conn.state = State::Idle;
    Ok(())
}

fn fail(conn: &mut Conn, phase: &mut Phase, e: &io::Error) {
    conn.state = State::Failed;
    conn.stream = None;
    *phase.errors.entry(describe(e)).or_default() += 1;
}

/// A message unique to connection `i` in round `round`, so that an echo
/// sent to the wrong connection is caught.
fn message(i: usize, round: u32) -> [u8; MESSAGE_BYTES] {
    let mut m = [b'.'; MESSAGE_BYTES];
    let text = format!("conn {i} round {round}");
    let n = text.len().min(MESSAGE_BYTES - 1);
    m[..n].copy_from_slice(&text.as_bytes()[..n]);
    m[MESSAGE_BYTES - 1] = b'\n';
    m
}

/// Whether a non-blocking connect has finished: `Ok(false)` while it is
/// still in progress, the error if it failed (mio's documented recipe).
fn connected(stream: &TcpStream) -> io::Result<bool> {
    if let Some(e) = stream.take_error()? {
        return Err(e);
    }
    match stream.peer_addr() {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(false),
        Err(e) => Err(e),
    }
}

/// An error as a short key for counting ("Connection refused").
fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match text.split(" (os error").next() {
        Some(head) if !head.is_empty() => head.to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    #[test]
    fn messages_differ_by_connection_and_round_and_fit() {
        assert_ne!(message(1, 0), message(2, 0));
        assert_ne!(message(1, 0), message(1, 1));
        assert_eq!(message(123_456, 99).len(), MESSAGE_BYTES);
    }

    /// A tiny echo server on a thread per connection, for the tests.
    fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::spawn(move || crate::baseline::echo(stream));
            }
        });
        addr
    }

    #[test]
    fn storm_and_round_against_an_echo_server() {
        let addr = echo_server();
        let (mut crowd, storm) = Crowd::storm(addr, 50, Duration::from_secs(10)).unwrap();
        assert_eq!((storm.answered, storm.error_count()), (50, 0), "{storm:?}");
        let round = crowd.round(Duration::from_secs(10)).unwrap();
        assert_eq!((round.answered, round.error_count()), (50, 0), "{round:?}");
    }

    #[test]
    fn a_server_that_never_answers_ends_at_the_deadline_with_errors() {
        // Listening, never accepting: the handshakes finish in the kernel,
        // no echo ever comes.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let started = Instant::now();
        let (_crowd, storm) = Crowd::storm(addr, 5, Duration::from_millis(300)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(storm.answered, 0);
        assert_eq!(
            storm.errors.get("no echo within 300ms"),
            Some(&5),
            "{storm:?}"
        );
        drop(listener);
    }

    #[test]
    fn a_refused_connection_is_counted() {
        let addr = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let (_crowd, storm) = Crowd::storm(addr, 3, Duration::from_secs(5)).unwrap();
        assert_eq!(storm.answered, 0);
        assert_eq!(storm.error_count(), 3, "{storm:?}");
    }
}

#[cfg(test)]
mod reference_server_tests {
    //! The yardsticks echo, whole and in order, for a crowd at once, and a
    //! client that never reads does not stall the others.

    use super::*;
    use std::thread;

    fn mio_server() -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let listener = mio::net::TcpListener::from_std(listener);
        thread::spawn(move || crate::mio_echo::serve(listener));
        addr
    }

    fn tokio_server() -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                crate::tokio_echo::serve(listener).await
            })
        });
        addr
    }

    fn crowd_and_a_client_that_never_reads(addr: SocketAddr) {
        let deadline = Duration::from_secs(10);
        let (mut crowd, storm) = Crowd::storm(addr, 300, deadline).unwrap();
        assert_eq!((storm.answered, storm.error_count()), (300, 0), "{storm:?}");
        // Fill the never-reading client's path until the kernel says stop.
        let mut hog = std::net::TcpStream::connect(addr).unwrap();
        hog.set_nonblocking(true).unwrap();
        let chunk = vec![b'x'; 64 * 1024];
        let started = Instant::now();
        let mut blocked = false;
        while !blocked && started.elapsed() < Duration::from_secs(5) {
            match hog.write(&chunk) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => blocked = true,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(blocked, "the kernel never pushed back");
        let round = crowd.round(Duration::from_secs(5)).unwrap();
        assert_eq!((round.answered, round.error_count()), (300, 0), "{round:?}");
        assert!(round.seconds < 2.0, "{round:?}");
    }

    #[test]
    fn the_mio_yardstick_echoes_and_pushes_back() {
        crowd_and_a_client_that_never_reads(mio_server());
    }

    #[test]
    fn the_tokio_yardstick_echoes_and_pushes_back() {
        crowd_and_a_client_that_never_reads(tokio_server());
    }
}
