//! The TCP clients of one event-loop thread.
//!
//! Each client is a small state machine: connecting, writing its message,
//! reading the echo until all M bytes are back (TCP may deliver them in
//! pieces), then the next message. Sockets are non-blocking and registered
//! edge-triggered, so every step runs until the kernel says "would block",
//! and the next event continues where it stopped.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Read, Write};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

use super::{pattern, Config, Outcome, Shared, Stop, CONNECT_WINDOW, PATTERN_SHIFTS, TICK};

/// Clients connected per turn of the event loop when many arrive at once.
const ARRIVAL_BATCH: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Not connected yet.
    Idle,
    /// Non-blocking connect in progress.
    Connecting,
    /// Connected and echoed once, waiting for the measured run to start.
    Ready,
    /// Sending the current message.
    Writing,
    /// Waiting for the rest of the echo.
    Reading,
    /// Pausing before the next message on the same connection (`--think`).
    Thinking,
    /// Finished or failed; never touched again.
    Done,
}

struct Client {
    stream: Option<TcpStream>,
    phase: Phase,
    /// Bytes of the current message written, and echoed back so far.
    written: usize,
    echoed: usize,
    /// Messages sent so far: picks each message's bytes.
    seq: usize,
    /// When the current round trip began; for one that opens the connection,
    /// when the connect began.
    started: Instant,
    /// When the current connect or round trip times out.
    deadline: Instant,
    /// Round trips completed in all, and on the current connection.
    done: u64,
    on_connection: u64,
}

struct Worker<'a> {
    config: &'a Config,
    shared: &'a Shared,
    poll: Poll,
    clients: Vec<Client>,
    pattern: Vec<u8>,
    /// Where echoes are read into before they are compared with the pattern.
    scratch: Vec<u8>,
    out: Outcome,
    /// Clients in the connect phase not yet `Ready`, and clients not `Done`.
    pending: usize,
    active: usize,
    /// Set once the measured run starts: connects then go straight on to
    /// the first message.
    measuring: bool,
    end: Option<Instant>,
    /// Clients thinking, by when they send their next message.
    waking: BinaryHeap<Reverse<(Instant, usize)>>,
}

/// Runs `count` clients on this thread; see the module docs of `loadgen`.
pub(super) fn run(
    config: &Config,
    count: usize,
    shared: &Shared,
    barrier: &Barrier,
) -> anyhow::Result<Outcome> {
    // Every thread must reach the barrier exactly once, or the others wait
    // forever; so set-up errors are returned only after it.
    let mut worker = match Worker::new(config, shared, count) {
        Ok(worker) => worker,
        Err(e) => {
            barrier.wait();
            return Err(e);
        }
    };
    let connected = if config.connect_first {
        worker.connect_all()
    } else {
        Ok(())
    };
    barrier.wait();
    connected?;
    worker.measure()?;
    Ok(worker.out)
}

impl<'a> Worker<'a> {
    fn new(config: &'a Config, shared: &'a Shared, count: usize) -> anyhow::Result<Self> {
        let now = Instant::now();
        let clients = (0..count)
            .map(|_| Client {
                stream: None,
                phase: Phase::Idle,
                written: 0,
                echoed: 0,
                seq: 0,
                started: now,
                deadline: now,
                done: 0,
                on_connection: 0,
            })
            .collect();
        Ok(Worker {
            config,
            shared,
            poll: Poll::new()?,
            clients,
            pattern: pattern(config.size),
            scratch: vec![0; config.size.min(64 * 1024)],
            out: Outcome::default(),
            pending: 0,
            active: count,
            measuring: false,
            end: None,
            waking: BinaryHeap::new(),
        })
    }

    /// The connect phase: every client connects and gets one echo back (not
    /// measured) before the clock starts; a client that cannot is counted
    /// and drops out. The echo proves the server accepted the connection
    /// and is serving it, so keeping only `CONNECT_WINDOW` clients at a
    /// time in this phase keeps the server's accept queue that short.
    fn connect_all(&mut self) -> anyhow::Result<()> {
        let began = Instant::now();
        let mut events = Events::with_capacity(1024);
        let mut next = 0;
        while next < self.clients.len() || self.pending > 0 {
            while self.pending < CONNECT_WINDOW && next < self.clients.len() {
                self.connect(next, Instant::now());
                next += 1;
            }
            self.poll_once(&mut events, false)?;
            self.expire(Instant::now());
        }
        self.out.connect_s = began.elapsed().as_secs_f64();
        Ok(())
    }

    /// The measured run: every client goes round the loop until it stops.
    fn measure(&mut self) -> anyhow::Result<()> {
        let start = Instant::now();
        self.measuring = true;
        self.out.started = Some(start);
        self.end = match self.config.stop {
            Stop::After(duration) => Some(start + duration),
            Stop::RoundTrips(_) => None,
        };
        let mut arriving = vec![];
        for i in 0..self.clients.len() {
            match self.clients[i].phase {
                Phase::Ready => {
                    self.begin(i, start);
                    self.drive(i, start);
                }
                Phase::Idle => arriving.push(i),
                _ => {}
            }
        }
        // Clients not yet connected arrive now, a batch per turn of the
        // loop: a connect on loopback costs tens of microseconds, and
        // issuing 500 before serving any event would charge the first
        // clients' echoes with the time spent connecting the last ones.
        let mut arriving = arriving.into_iter();
        let mut events = Events::with_capacity(1024);
        let mut next_scan = start + TICK;
        while self.active > 0 {
            let mut connected_some = false;
            for i in arriving.by_ref().take(ARRIVAL_BATCH) {
                self.connect(i, Instant::now());
                connected_some = true;
            }
            self.poll_once(&mut events, connected_some)?;
            let now = Instant::now();
            self.wake(now);
            if now >= next_scan {
                self.expire(now);
                next_scan = now + TICK;
            }
        }
        self.out.ended = Some(Instant::now());
        Ok(())
    }

    /// Waits (at most one tick, or until the next thinking client wakes up;
    /// not at all if `busy`) for events and drives the clients they name.
    fn poll_once(&mut self, events: &mut Events, busy: bool) -> anyhow::Result<()> {
        let timeout = match self.waking.peek() {
            _ if busy => Duration::ZERO,
            Some(Reverse((at, _))) => at.saturating_duration_since(Instant::now()).min(TICK),
            None => TICK,
        };
        match self.poll.poll(events, Some(timeout)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let now = Instant::now();
        for event in events.iter() {
            self.drive(event.token().0, now);
        }
        Ok(())
    }

    /// Starts a non-blocking connect; the round trip it opens starts now.
    fn connect(&mut self, i: usize, now: Instant) {
        let c = &mut self.clients[i];
        c.started = now;
        c.deadline = now + self.config.connect_timeout;
        c.on_connection = 0;
        match TcpStream::connect(self.config.addr) {
            Ok(mut stream) => {
                let interest = Interest::READABLE | Interest::WRITABLE;
                if let Err(e) = self
                    .poll
                    .registry()
                    .register(&mut stream, Token(i), interest)
                {
                    c.phase = Phase::Done;
                    self.active -= 1;
                    self.out
                        .error(self.shared, format!("register: {}", describe(&e)));
                    return;
                }
                c.stream = Some(stream);
                c.phase = Phase::Connecting;
                if !self.measuring {
                    self.pending += 1;
                }
            }
            Err(e) => self.fail(i, format!("connect: {}", describe(&e))),
        }
    }

    /// Sets up the next message of client `i`.
    fn begin(&mut self, i: usize, now: Instant) {
        let c = &mut self.clients[i];
        c.written = 0;
        c.echoed = 0;
        c.started = now;
        c.deadline = now + self.config.timeout;
        c.phase = Phase::Writing;
    }

    /// Makes as much progress for client `i` as the socket allows.
    fn drive(&mut self, i: usize, now: Instant) {
        let size = self.config.size;
        loop {
            let c = &mut self.clients[i];
            let Some(stream) = c.stream.as_mut() else {
                return;
            };
            match c.phase {
                Phase::Connecting => match connected(stream) {
                    Ok(false) => return,
                    Ok(true) => {
                        self.shared.opened();
                        // Small messages must leave at once: Nagle's algorithm
                        // would hold one back while an earlier one is unacknowledged.
                        let _ = stream.set_nodelay(true);
                        // On to the first message (in the connect phase: the
                        // warm-up echo). Its latency keeps counting from the
                        // connect; only the deadline moves on.
                        c.phase = Phase::Writing;
                        c.written = 0;
                        c.echoed = 0;
                        c.deadline = now + self.config.timeout;
                    }
                    Err(e) => return self.fail(i, format!("connect: {}", describe(&e))),
                },
                Phase::Writing => {
                    let offset = c.seq % PATTERN_SHIFTS;
                    let message = &self.pattern[offset..offset + size];
                    match stream.write(&message[c.written..]) {
                        Ok(n) => {
                            c.written += n;
                            if c.written == size {
                                // The echo's arrival will raise a readable event.
                                c.phase = Phase::Reading;
                                return;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return self.fail(i, format!("write: {}", describe(&e))),
                    }
                }
                Phase::Reading => {
                    let want = (size - c.echoed).min(self.scratch.len());
                    match stream.read(&mut self.scratch[..want]) {
                        Ok(0) => return self.fail(i, "server closed the connection".into()),
                        Ok(n) => {
                            let offset = c.seq % PATTERN_SHIFTS + c.echoed;
                            if self.scratch[..n] != self.pattern[offset..offset + n] {
                                return self.fail(i, "echo differs from the message sent".into());
                            }
                            c.echoed += n;
                            if c.echoed == size {
                                self.complete(i, now);
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return self.fail(i, format!("read: {}", describe(&e))),
                    }
                }
                Phase::Idle | Phase::Ready | Phase::Thinking | Phase::Done => return,
            }
        }
    }

    /// Client `i` has its whole echo: count it, then stop, reconnect, or
    /// send the next message.
    fn complete(&mut self, i: usize, now: Instant) {
        let c = &mut self.clients[i];
        if !self.measuring {
            // The connect phase's warm-up echo: not measured.
            c.seq += 1;
            c.phase = Phase::Ready;
            self.pending -= 1;
            return;
        }
        let latency = now.saturating_duration_since(c.started);
        self.out.latencies.record(latency);
        if c.on_connection == 0 {
            // From starting to connect to the first echo: the wait a new
            // client sees (only with --lazy-connect is the connect measured).
            self.out.first_replies.record(latency);
        }
        self.out.round_trips += 1;
        self.shared
            .round_trips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        c.done += 1;
        c.on_connection += 1;
        c.seq += 1;
        let stop = match (self.config.stop, self.end) {
            (Stop::RoundTrips(k), _) => c.done >= k,
            (Stop::After(_), Some(end)) => now >= end,
            (Stop::After(_), None) => false,
        };
        if stop {
            self.close(i);
            self.clients[i].phase = Phase::Done;
            self.active -= 1;
        } else if self.config.per_connection == Some(c.on_connection) {
            self.close(i);
            self.connect(i, now);
        } else if let Some(think) = self.config.think {
            // Like a person reading the answer before typing the next line:
            // the connection stays open, and a serial server waits with it.
            c.phase = Phase::Thinking;
            self.waking.push(Reverse((now + think, i)));
        } else {
            self.begin(i, now);
        }
    }

    /// Sends the next message of every client whose think time is over.
    fn wake(&mut self, now: Instant) {
        while let Some(&Reverse((at, i))) = self.waking.peek() {
            if at > now {
                break;
            }
            self.waking.pop();
            if self.clients[i].phase == Phase::Thinking {
                self.begin(i, now);
                self.drive(i, now);
            }
        }
    }

    /// Fails every connect or round trip whose deadline has passed.
    fn expire(&mut self, now: Instant) {
        for i in 0..self.clients.len() {
            let c = &self.clients[i];
            if now < c.deadline {
                continue;
            }
            let why = match c.phase {
                Phase::Connecting => format!(
                    "timeout: connect took over {:?}",
                    self.config.connect_timeout
                ),
                Phase::Writing | Phase::Reading => {
                    format!("timeout: no echo within {:?}", self.config.timeout)
                }
                _ => continue,
            };
            self.fail(i, why);
        }
    }

    /// Counts an error; client `i` closes and drops out.
    fn fail(&mut self, i: usize, why: String) {
        self.out.error(self.shared, why);
        let phase = self.clients[i].phase;
        if !self.measuring && matches!(phase, Phase::Connecting | Phase::Writing | Phase::Reading) {
            self.pending -= 1;
        }
        self.close(i);
        self.clients[i].phase = Phase::Done;
        self.active -= 1;
    }

    /// Closes client `i`'s connection, if it has one.
    fn close(&mut self, i: usize) {
        let c = &mut self.clients[i];
        if let Some(mut stream) = c.stream.take() {
            let _ = self.poll.registry().deregister(&mut stream);
            if !matches!(c.phase, Phase::Connecting | Phase::Idle) {
                self.shared.closed();
            }
        }
    }
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

/// An error as a short, stable key for counting: "Connection refused"
/// rather than "Connection refused (os error 111)".
pub(super) fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match text.split(" (os error").next() {
        Some(head) if !head.is_empty() => head.to_string(),
        _ => text,
    }
}
