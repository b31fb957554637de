//! The closed-loop load generator.
//!
//! Closed loop: each of N clients sends one M-byte message, waits until the
//! whole echo is back, records the round trip, and only then sends the next.
//! So N is also the number of requests in flight, and the server's speed sets
//! the pace (an open-loop generator would fire at a fixed rate whatever the
//! server does).
//!
//! Why an event loop and not a thread per client: the load generator runs on
//! the same two-core machine as the server it measures (on a CPU of its own
//! when `bench-matrix` pins it, see `crate::pinning`). A thread per client
//! would put 1,000 more threads on the machine's scheduler beside the
//! server's 1,000 and blur what we want to see, which is what *the server's*
//! threads cost. One thread with `mio` (epoll on Linux) drives every client
//! socket, non-blocking, and uses at most one core whatever N is. It is also what the chapter says
//! to reach for when thread-per-client stops scaling.
//!
//! Every wait is bounded: each connect has `connect_timeout`, each round trip
//! (or datagram) has `timeout`, and a client that fails drops out and is
//! counted, so a dead or stuck server ends the run with errors, not a hang.

mod progress;
mod tcp;
mod udp;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::histogram::Histogram;

/// TCP (a stream: read until the whole echo is back) or UDP (datagrams).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Persistent (or periodically renewed) TCP connections.
    Tcp,
    /// One UDP socket per client; a datagram without an echo in time is lost.
    Udp,
}

/// When a client stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Run for this long (after all clients connected, with `connect_first`),
    /// then let each client finish the round trip it is in.
    After(Duration),
    /// Each client does this many round trips, then stops.
    RoundTrips(u64),
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The server, e.g. 127.0.0.1:9998.
    pub addr: SocketAddr,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Concurrent clients (each one request in flight).
    pub clients: usize,
    /// Bytes per message.
    pub size: usize,
    /// When to stop.
    pub stop: Stop,
    /// TCP: close and reconnect after this many round trips on a connection;
    /// the round trip that opens a connection then counts the connect.
    pub per_connection: Option<u64>,
    /// TCP: connect every client before the clock starts (the measured run
    /// has all N connected at once). Without it each client connects when
    /// it starts, and its first round trip includes the connect and any wait
    /// in the server's accept queue: what a client of a serial server feels.
    pub connect_first: bool,
    /// TCP: pause this long after each echo before the next message on the
    /// same connection (a person reading and typing). The pause is not part
    /// of any latency; the connection stays open during it.
    pub think: Option<Duration>,
    /// Longest wait for one echo (TCP round trip or UDP datagram).
    pub timeout: Duration,
    /// Longest wait for one TCP connect.
    pub connect_timeout: Duration,
    /// Event-loop threads; clients are shared out among them.
    pub threads: usize,
    /// Print a progress line on stderr every second.
    pub progress: bool,
}

impl Config {
    /// A TCP run of `clients` clients for `seconds`, 64-byte messages, the
    /// defaults the `loadgen` binary uses.
    pub fn tcp(addr: SocketAddr, clients: usize, duration: Duration) -> Config {
        Config {
            addr,
            protocol: Protocol::Tcp,
            clients,
            size: 64,
            stop: Stop::After(duration),
            per_connection: None,
            connect_first: true,
            think: None,
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
            threads: 1,
            progress: false,
        }
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.clients == 0 {
            bail!("--clients must be at least 1");
        }
        if self.size == 0 || self.size > MAX_SIZE {
            bail!("--size must be between 1 and {MAX_SIZE} bytes");
        }
        if self.protocol == Protocol::Udp
            && !(udp::SEQ_BYTES..=udp::MAX_DATAGRAM).contains(&self.size)
        {
            bail!(
                "UDP --size must be between {} (room for a sequence number) and {} bytes",
                udp::SEQ_BYTES,
                udp::MAX_DATAGRAM
            );
        }
        if self.threads == 0 {
            bail!("--threads must be at least 1");
        }
        if self.per_connection == Some(0) || self.stop == Stop::RoundTrips(0) {
            bail!("round-trip counts must be at least 1");
        }
        Ok(())
    }
}

/// Largest message: the echo is checked against a shared pattern this long.
pub const MAX_SIZE: usize = 1 << 20;

/// Latency percentiles of one run, in microseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Mean.
    pub mean: f64,
    /// Largest.
    pub max: f64,
}

/// The result of one run, as printed and as written to JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// `tcp` or `udp`.
    pub protocol: Protocol,
    /// The server address.
    pub addr: String,
    /// Concurrent clients.
    pub clients: usize,
    /// Bytes per message.
    pub message_bytes: usize,
    /// Completed round trips (echoes received in full and checked).
    pub round_trips: u64,
    /// Round trips per second over the measured time.
    pub round_trips_per_s: f64,
    /// Seconds from the start (after the connect phase) to the last client's end.
    pub elapsed_s: f64,
    /// Seconds the connect phase took (0 without `connect_first`).
    pub connect_s: f64,
    /// Most TCP connections open at the same time (UDP: clients).
    pub peak_connections: usize,
    /// Round-trip latency, microseconds.
    pub latency_us: Latency,
    /// TCP with `connect_first` off: latency of each connection's first
    /// round trip, counted from the start of the connect: how long a new
    /// client waits for its first answer. None when no connection was
    /// opened during the measured run.
    pub first_reply_us: Option<Latency>,
    /// Failed connects, timeouts, resets, wrong echoes, lost datagrams.
    pub errors: u64,
    /// The errors by kind, e.g. `"connect: connection refused": 3`.
    pub error_kinds: BTreeMap<String, u64>,
}

/// Counters every event loop updates, for the progress line and the peak.
#[derive(Default)]
struct Shared {
    round_trips: AtomicU64,
    errors: AtomicU64,
    open: AtomicUsize,
    peak_open: AtomicUsize,
}

impl Shared {
    fn opened(&self) {
        let now = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_open.fetch_max(now, Ordering::Relaxed);
    }

    fn closed(&self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What one event-loop thread hands back.
#[derive(Default)]
struct Outcome {
    latencies: Histogram,
    first_replies: Histogram,
    round_trips: u64,
    errors: BTreeMap<String, u64>,
    /// When the measured run started and when this thread's last client ended.
    started: Option<Instant>,
    ended: Option<Instant>,
    connect_s: f64,
}

impl Outcome {
    fn error(&mut self, shared: &Shared, kind: impl Into<String>) {
        *self.errors.entry(kind.into()).or_insert(0) += 1;
        shared.errors.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs the load described by `config` and reports what happened.
///
/// Errors here mean the run could not be set up (bad config, no event loop);
/// a server that refuses, resets or times out is reported in
/// [`Report::errors`] instead.
pub fn run(config: &Config) -> anyhow::Result<Report> {
    config.check()?;
    let shared = Arc::new(Shared::default());
    let threads = config.threads.min(config.clients);
    // All threads leave their connect phase together, so the clock starts
    // with every client connected.
    let barrier = Arc::new(Barrier::new(threads));
    let progress = config
        .progress
        .then(|| progress::start(Arc::clone(&shared), config.clients));

    let workers: Vec<_> = (0..threads)
        .map(|t| {
            // Client i belongs to thread i % threads.
            let mine = (t..config.clients).step_by(threads).count();
            let (config, shared, barrier) =
                (config.clone(), Arc::clone(&shared), Arc::clone(&barrier));
            thread::Builder::new()
                .name(format!("loadgen-{t}"))
                .spawn(move || match config.protocol {
                    Protocol::Tcp => tcp::run(&config, mine, &shared, &barrier),
                    Protocol::Udp => udp::run(&config, mine, &shared, &barrier),
                })
                .context("cannot start a load generator thread")
        })
        .collect::<anyhow::Result<_>>()?;

    let mut total = Outcome::default();
    for worker in workers {
        let outcome = worker
            .join()
            .map_err(|_| anyhow::anyhow!("a load generator thread panicked"))??;
        total.latencies.merge(&outcome.latencies);
        total.first_replies.merge(&outcome.first_replies);
        total.round_trips += outcome.round_trips;
        for (kind, n) in outcome.errors {
            *total.errors.entry(kind).or_insert(0) += n;
        }
        total.started = min_opt(total.started, outcome.started);
        total.ended = max_opt(total.ended, outcome.ended);
        total.connect_s = total.connect_s.max(outcome.connect_s);
    }
    if let Some(progress) = progress {
        progress.stop();
    }

    let elapsed = match (total.started, total.ended) {
        (Some(start), Some(end)) => end.saturating_duration_since(start).as_secs_f64(),
        _ => 0.0,
    };
    let first_reply_us = (!config.connect_first && total.first_replies.count() > 0)
        .then(|| latency_of(&total.first_replies));
    Ok(Report {
        protocol: config.protocol,
        addr: config.addr.to_string(),
        clients: config.clients,
        message_bytes: config.size,
        round_trips: total.round_trips,
        round_trips_per_s: if elapsed > 0.0 {
            total.round_trips as f64 / elapsed
        } else {
            0.0
        },
        elapsed_s: elapsed,
        connect_s: total.connect_s,
        peak_connections: match config.protocol {
            Protocol::Tcp => shared.peak_open.load(Ordering::Relaxed),
            Protocol::Udp => config.clients,
        },
        latency_us: latency_of(&total.latencies),
        first_reply_us,
        errors: total.errors.values().sum(),
        error_kinds: total.errors,
    })
}

/// Percentiles of a histogram, in microseconds (zeros when it is empty).
fn latency_of(h: &Histogram) -> Latency {
    let micros = |d: Option<Duration>| d.map_or(0.0, |d| d.as_nanos() as f64 / 1000.0);
    Latency {
        p50: micros(h.percentile(50.0)),
        p90: micros(h.percentile(90.0)),
        p99: micros(h.percentile(99.0)),
        mean: micros(h.mean()),
        max: micros(h.max()),
    }
}

fn min_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The bytes every message is cut from: message number `seq` is
/// `pattern[seq % 61 ..][..size]`, so consecutive messages differ and an
/// echo of the wrong message (or of garbage) is caught. Letters and digits
/// only: the lesson servers treat what they receive as UTF-8 text, and
/// plain ASCII comes back byte for byte.
fn pattern(size: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..size + PATTERN_SHIFTS)
        .map(|i| ALPHABET[i % ALPHABET.len()])
        .collect()
}

/// How many different messages the pattern yields (61 is prime and shorter
/// than the 62-letter alphabet, so every shift gives a different message).
const PATTERN_SHIFTS: usize = 61;

/// How often an event loop wakes up to look for expired deadlines, even
/// when nothing happens.
const TICK: Duration = Duration::from_millis(20);

/// Clients in the connect phase at once, per thread (connected but not yet
/// echoed once). A burst of 1,000 connects would overflow the server's
/// accept queue (Rust's std listens with a backlog of 128, Python's
/// socketserver with 5): the kernel drops the SYNs that do not fit and the
/// clients retry only after 1 s, 3 s, 7 s. Four fits even Python's queue.
const CONNECT_WINDOW: usize = 4;
