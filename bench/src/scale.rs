//! The scale scenarios of `just bench`, after the matrix:
//!
//! - **10,000 at once**: every connection opened at once against the
//!   threaded, select and async lessons and their Python counterparts; the
//!   storm's time (until every connection has its first echo), errors, the
//!   server's resident memory per connection and threads, and the time for
//!   one more message on every connection.
//! - **The backlog storm**: the same storm against `tcp-select-server` with
//!   `--backlog 5`, 128 and 4096.
//! - **A client that never reads**: one client sends 10 MB and reads
//!   nothing, while a few others keep talking; the server's memory growth
//!   and the slowest answer to the others.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::crowd::{Crowd, Phase};
use crate::matrix::{start, Options};
use crate::report::thousands;
use crate::results::Target;
use crate::server::{Server, ThreadSampler};

/// Connections in the scale scenario unless `--connections` says otherwise.
pub const CONNECTIONS: usize = 10_000;
/// The servers of the scale scenario, in table order.
pub const SCALE_SERVERS: [&str; 6] = [
    "tcp-threaded",
    "tcp-select",
    "tcp-async",
    "python-threaded",
    "python-select",
    "python-async",
];
/// The Rust servers among them (the 0-errors target).
pub const RUST_SCALE_SERVERS: [&str; 3] = ["tcp-threaded", "tcp-select", "tcp-async"];
/// The backlog storm's server and backlogs: the tutorial's 5, Rust std's
/// 128, and Linux's cap (net.core.somaxconn), the lesson's default.
pub const BACKLOG_SERVER: &str = "tcp-select";
/// Backlogs of the backlog storm.
pub const BACKLOGS: [u32; 3] = [5, 128, 4096];
/// The servers given a client that never reads.
pub const HOG_SERVERS: [&str; 2] = ["tcp-select", "tcp-async"];
/// What that client tries to send.
pub const HOG_BYTES: u64 = 10_000_000;
/// The other clients talking meanwhile.
pub const HOG_OTHERS: usize = 10;

/// One storm: a server, maybe a backlog, N connections at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StormCell {
    /// Which server.
    pub server: String,
    /// `--backlog` given to it (the backlog storm), or its default.
    pub backlog: Option<u32>,
    /// Connections opened at once.
    pub connections: usize,
    /// Opening them all and getting the first echo on each.
    pub storm: Option<Phase>,
    /// One more message on every open connection, at once.
    pub round: Option<Phase>,
    /// The server's resident memory before the storm (VmRSS), KiB.
    pub rss_before_kib: Option<u64>,
    /// Its resident memory with every connection open and idle (VmRSS
    /// after the round), KiB.
    pub rss_idle_kib: Option<u64>,
    /// Its peak resident memory (VmHWM), KiB.
    pub rss_peak_kib: Option<u64>,
    /// The most threads it had.
    pub threads: Option<u64>,
    /// Why it could not be measured.
    pub error: Option<String>,
}

impl StormCell {
    fn per_connection(&self, kib: Option<u64>) -> Option<f64> {
        let open = self.round.as_ref()?.answered.max(1) as f64;
        Some(kib?.saturating_sub(self.rss_before_kib?) as f64 / open)
    }

    /// Resident memory per idle connection, KiB.
    pub fn idle_kib_per_connection(&self) -> Option<f64> {
        self.per_connection(self.rss_idle_kib)
    }

    /// Peak resident memory per connection, KiB.
    pub fn peak_kib_per_connection(&self) -> Option<f64> {
        self.per_connection(self.rss_peak_kib)
    }

    /// Every connection answered in the storm and in the round.
    pub fn all_answered(&self) -> bool {
        let ok = |p: &Option<Phase>| {
            p.as_ref()
                .is_some_and(|p| p.answered == self.connections && p.error_count() == 0)
        };
        self.error.is_none() && ok(&self.storm) && ok(&self.round)
    }

    /// Errors in the storm and the round together.
    pub fn errors(&self) -> u64 {
        [&self.storm, &self.round]
            .iter()
            .filter_map(|p| p.as_ref())
            .map(Phase::error_count)
            .sum()
    }
}

/// One server with a client that sends and never reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HogCell {
    /// Which server.
    pub server: String,
    /// Bytes the client tried to send.
    pub offered_bytes: u64,
    /// Bytes the kernel took from it before its buffers (and the server's
    /// backpressure) stopped it.
    pub sent_bytes: u64,
    /// Seconds it kept trying.
    pub seconds: f64,
    /// The other clients' rounds meanwhile (one message each, at once).
    pub rounds: u64,
    /// The slowest of those rounds: the longest any other client waited.
    pub slowest_round_ms: f64,
    /// Errors among the other clients.
    pub errors: u64,
    /// The server's resident memory before the client started, KiB.
    pub rss_before_kib: Option<u64>,
    /// The most resident memory seen while it ran (VmRSS sampled every
    /// 50 ms), KiB.
    pub rss_max_kib: Option<u64>,
    /// Why it could not be measured.
    pub error: Option<String>,
}

impl HogCell {
    /// How much the server's memory grew, KiB.
    pub fn growth_kib(&self) -> Option<u64> {
        Some(self.rss_max_kib?.saturating_sub(self.rss_before_kib?))
    }
}

/// Everything the scale scenarios measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    /// Connections per storm.
    pub connections: usize,
    /// One storm per server, default backlog.
    pub storms: Vec<StormCell>,
    /// The backlog storm, one per backlog.
    pub backlog: Vec<StormCell>,
    /// The clients that never read.
    pub hogs: Vec<HogCell>,
}

/// Deadlines. A client whose SYN was dropped (the accept queue was full)
/// tries again 1, 3, 7, 15, 31 and 63 s after its first try (Linux: the
/// retransmission timeout starts at 1 s and doubles; `tcp_syn_retries` = 6),
/// so a storm gets 75 s: a connection that gets in at all gets in by then,
/// and one that does not is an error. Those waits are results, not
/// failures of the benchmark.
fn deadlines(smoke: bool) -> (Duration, Duration) {
    if smoke {
        (Duration::from_secs(5), Duration::from_secs(5))
    } else {
        (Duration::from_secs(75), Duration::from_secs(30))
    }
}

/// A pause for a server to settle before its memory is read.
fn settle(options: &Options) -> Duration {
    Duration::from_millis(if options.smoke { 50 } else { 300 })
}

/// Runs the three scenarios against `servers` (those that are built, in a
/// smoke run) with `connections` connections per storm.
pub fn run(options: &Options, servers: &[&str], connections: usize) -> Scale {
    let mut scale = Scale {
        connections,
        ..Scale::default()
    };
    for &server in servers {
        let cell = storm(options, server, None, connections);
        println!("{}", storm_line("scale", &cell));
        scale.storms.push(cell);
    }
    if servers.contains(&BACKLOG_SERVER) {
        for backlog in BACKLOGS {
            let cell = storm(options, BACKLOG_SERVER, Some(backlog), connections);
            println!("{}", storm_line("backlog", &cell));
            scale.backlog.push(cell);
        }
    }
    for &server in HOG_SERVERS.iter().filter(|s| servers.contains(s)) {
        let cell = hog(options, server);
        println!(
            "[hog]     {:<16} sent {} of {} bytes, memory +{} KiB, slowest other answer {:.1} ms, {} errors{}",
            cell.server,
            thousands(cell.sent_bytes as f64),
            thousands(cell.offered_bytes as f64),
            cell.growth_kib().map_or("-".into(), |k| k.to_string()),
            cell.slowest_round_ms,
            cell.errors,
            cell.error.as_ref().map_or(String::new(), |e| format!("; FAILED: {e}")),
        );
        scale.hogs.push(cell);
    }
    scale
}

fn storm_line(what: &str, c: &StormCell) -> String {
    let phase = |p: &Option<Phase>| {
        p.as_ref().map_or("-".into(), |p| {
            format!(
                "{:.2} s ({} answered)",
                p.seconds,
                thousands(p.answered as f64)
            )
        })
    };
    format!(
        "[{what}]{:width$} {:<16} backlog {:<7} storm {}  round {}  {} errors  {} KiB/conn idle  {} threads{}",
        "",
        c.server,
        c.backlog.map_or("default".into(), |b| b.to_string()),
        phase(&c.storm),
        phase(&c.round),
        c.errors(),
        c.idle_kib_per_connection().map_or("-".into(), |k| format!("{k:.2}")),
        c.threads.map_or("-".into(), |t| t.to_string()),
        c.error.as_ref().map_or(String::new(), |e| format!("; FAILED: {e}")),
        width = 8 - what.len().min(8),
    )
}

/// One storm and one round against a fresh server.
fn storm(options: &Options, server: &str, backlog: Option<u32>, n: usize) -> StormCell {
    let mut cell = StormCell {
        server: server.to_string(),
        backlog,
        connections: n,
        storm: None,
        round: None,
        rss_before_kib: None,
        rss_idle_kib: None,
        rss_peak_kib: None,
        threads: None,
        error: None,
    };
    if let Err(e) = try_storm(options, &mut cell) {
        cell.error = Some(format!("{e:#}"));
    }
    cell
}

fn try_storm(options: &Options, cell: &mut StormCell) -> anyhow::Result<()> {
    let extra: Vec<String> = cell
        .backlog
        .map(|b| vec!["--backlog".to_string(), b.to_string()])
        .unwrap_or_default();
    let mut server = start(options, &cell.server, &extra)?;
    let (storm_deadline, round_deadline) = deadlines(options.smoke);
    // Let the server finish starting (Python imports, a runtime's threads).
    thread::sleep(settle(options));
    cell.rss_before_kib = server.status().map(|s| s.vm_rss_kib);
    let sampler = ThreadSampler::start(server.pid());
    let (mut crowd, storm) = Crowd::storm(server.addr(), cell.connections, storm_deadline)?;
    cell.storm = Some(storm);
    let round = crowd.round(round_deadline)?;
    cell.round = Some(round);
    // Every connection open and idle: what a crowd of quiet clients costs.
    thread::sleep(settle(options));
    let status = server.status();
    cell.rss_idle_kib = status.map(|s| s.vm_rss_kib);
    cell.rss_peak_kib = status.map(|s| s.vm_hwm_kib);
    cell.threads = Some(sampler.finish());
    server.check_running()?;
    drop(crowd);
    Ok(())
}

/// A client that sends [`HOG_BYTES`] and never reads, against a server
/// that [`HOG_OTHERS`] other clients keep talking to.
fn hog(options: &Options, server: &str) -> HogCell {
    let offered = if options.smoke {
        HOG_BYTES / 10
    } else {
        HOG_BYTES
    };
    let seconds = if options.smoke { 0.5 } else { 3.0 };
    let mut cell = HogCell {
        server: server.to_string(),
        offered_bytes: offered,
        sent_bytes: 0,
        seconds,
        rounds: 0,
        slowest_round_ms: 0.0,
        errors: 0,
        rss_before_kib: None,
        rss_max_kib: None,
        error: None,
    };
    if let Err(e) = try_hog(options, &mut cell) {
        cell.error = Some(format!("{e:#}"));
    }
    cell
}

fn try_hog(options: &Options, cell: &mut HogCell) -> anyhow::Result<()> {
    let mut server = start(options, &cell.server, &[])?;
    let (mut crowd, storm) = Crowd::storm(server.addr(), HOG_OTHERS, Duration::from_secs(10))?;
    cell.errors += storm.error_count();
    thread::sleep(settle(options));
    cell.rss_before_kib = server.status().map(|s| s.vm_rss_kib);
    let rss = RssSampler::start(&server);
    let (addr, offered) = (server.addr(), cell.offered_bytes);
    let limit = Duration::from_secs_f64(cell.seconds);
    let hog = thread::spawn(move || send_and_never_read(addr, offered, limit));
    let end = Instant::now() + limit + Duration::from_millis(500);
    while Instant::now() < end {
        let round = crowd.round(Duration::from_secs(2))?;
        cell.rounds += 1;
        cell.errors += round.error_count();
        cell.slowest_round_ms = cell.slowest_round_ms.max(round.seconds * 1000.0);
        thread::sleep(Duration::from_millis(10));
    }
    let (sent, stream) = hog
        .join()
        .map_err(|_| anyhow::anyhow!("the sending thread panicked"))?
        .context("the client that never reads could not connect")?;
    cell.sent_bytes = sent;
    cell.rss_max_kib = rss.finish();
    drop(stream);
    server.check_running()
}

/// Connects and writes up to `bytes` without ever reading, for at most
/// `limit`; returns what the kernel took, and the connection (still open).
fn send_and_never_read(
    addr: SocketAddr,
    bytes: u64,
    limit: Duration,
) -> io::Result<(u64, TcpStream)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nonblocking(true)?;
    let chunk = vec![b'x'; 64 * 1024];
    let (mut sent, start) = (0u64, Instant::now());
    while sent < bytes && start.elapsed() < limit {
        let n = (bytes - sent).min(chunk.len() as u64) as usize;
        match stream.write(&chunk[..n]) {
            Ok(n) => sent += n as u64,
            // The buffers are full: the server is not reading from us.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(5))
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Closed by the server: a fair answer to such a client.
            Err(_) => break,
        }
    }
    Ok((sent, stream))
}

/// Samples a server's VmRSS every 50 ms and keeps the largest.
struct RssSampler {
    stop: std::sync::mpsc::Sender<()>,
    thread: thread::JoinHandle<Option<u64>>,
}

impl RssSampler {
    fn start(server: &Server) -> RssSampler {
        let pid = server.pid();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            let mut max = None;
            loop {
                if let Some(s) = crate::server::ProcStatus::read(pid) {
                    max = max.max(Some(s.vm_rss_kib));
                }
                match stopped.recv_timeout(Duration::from_millis(50)) {
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    _ => return max,
                }
            }
        });
        RssSampler { stop, thread }
    }

    fn finish(self) -> Option<u64> {
        let _ = self.stop.send(());
        self.thread.join().ok().flatten()
    }
}

/// The scale targets.
pub fn targets(scale: Option<&Scale>) -> Vec<Target> {
    let empty = Scale::default();
    let scale = scale.unwrap_or(&empty);
    let storm = |server: &str| scale.storms.iter().find(|c| c.server == server);
    let n = scale.connections;
    let mut targets = vec![];
    for server in RUST_SCALE_SERVERS {
        let cell = storm(server);
        targets.push(Target {
            goal: format!("{server}: 10,000 connections at once, 0 errors"),
            measured: cell.map_or("not measured".into(), |c| match &c.error {
                Some(e) => format!("failed: {e}"),
                None => format!(
                    "{} of {} answered in the storm, {} in the round, {} errors",
                    thousands(c.storm.as_ref().map_or(0, |p| p.answered) as f64),
                    thousands(n as f64),
                    thousands(c.round.as_ref().map_or(0, |p| p.answered) as f64),
                    c.errors()
                ),
            }),
            pass: n >= CONNECTIONS && cell.is_some_and(StormCell::all_answered),
        });
    }
    for (server, max) in [("tcp-select", 1.0), ("tcp-async", 2.5)] {
        let per = storm(server).and_then(StormCell::idle_kib_per_connection);
        targets.push(Target {
            goal: format!("{server}: resident memory per idle connection <= {max} KiB"),
            measured: per.map_or("not measured".into(), |k| {
                format!("{k:.2} KiB ({} connections)", thousands(n as f64))
            }),
            pass: n >= CONNECTIONS && per.is_some_and(|k| k <= max),
        });
    }
    for server in ["tcp-select", "tcp-async"] {
        let cell = storm(server);
        let seconds = cell.and_then(|c| Some(c.storm.as_ref()?.seconds));
        targets.push(Target {
            goal: format!(
                "{server}: a 10,000-connection storm answered in <= 1 s (default backlog)"
            ),
            measured: seconds.map_or("not measured".into(), |s| {
                format!("{s:.2} s, {} errors", cell.map_or(0, StormCell::errors))
            }),
            pass: n >= CONNECTIONS
                && cell.is_some_and(StormCell::all_answered)
                && seconds.is_some_and(|s| s <= 1.0),
        });
    }
    for server in HOG_SERVERS {
        let cell = scale.hogs.iter().find(|c| c.server == server);
        let growth = cell.and_then(HogCell::growth_kib);
        targets.push(Target {
            goal: format!(
                "{server}: a client sends 10 MB and never reads: memory grows < 1 MiB, \
                 the others answered within 100 ms"
            ),
            measured: match cell {
                None => "not measured".into(),
                Some(HogCell { error: Some(e), .. }) => format!("failed: {e}"),
                Some(c) => format!(
                    "+{} KiB; slowest answer {:.1} ms in {} rounds, {} errors; it got {} bytes in",
                    growth.map_or("?".into(), |g| g.to_string()),
                    c.slowest_round_ms,
                    c.rounds,
                    c.errors,
                    thousands(c.sent_bytes as f64)
                ),
            },
            pass: cell.is_some_and(|c| {
                c.error.is_none()
                    && c.offered_bytes >= HOG_BYTES
                    && c.errors == 0
                    && c.rounds > 0
                    && c.slowest_round_ms < 100.0
                    && growth.is_some_and(|g| g < 1024)
            }),
        });
    }
    targets
}

fn seconds_text(p: &Option<Phase>) -> String {
    p.as_ref()
        .map_or("-".into(), |p| format!("{:.2} s", p.seconds))
}

fn kib_text(k: Option<f64>) -> String {
    k.map_or("-".into(), |k| format!("{k:.2} KiB"))
}

/// The book's scale tables (`book/src/benchmark/scale.md`).
pub fn markdown(scale: Option<&Scale>) -> String {
    let Some(scale) = scale else {
        return "The scale scenarios were not run.\n".into();
    };
    let n = thousands(scale.connections as f64);
    let mut md = format!(
        "**{n} connections at once** (the storm: from the first connect to the last first \
         echo; the round: one {}-byte message on every connection at once; memory from \
         /proc/PID/status, per connection above the server's memory before the storm)\n\n",
        crate::crowd::MESSAGE_BYTES
    );
    let header = [
        "server",
        "storm",
        "round",
        "errors",
        "peak RSS",
        "per connection, idle",
        "per connection, peak",
        "threads",
    ];
    let row = |c: &StormCell| {
        if let Some(e) = &c.error {
            let mut row = vec![c.server.clone(), format!("failed: {}", first_line(e))];
            row.resize(header.len(), "-".into());
            return row;
        }
        vec![
            c.server.clone(),
            seconds_text(&c.storm),
            seconds_text(&c.round),
            c.errors().to_string(),
            c.rss_peak_kib
                .map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
            kib_text(c.idle_kib_per_connection()),
            kib_text(c.peak_kib_per_connection()),
            c.threads.map_or("-".into(), |t| thousands(t as f64)),
        ]
    };
    let rows: Vec<Vec<String>> = scale.storms.iter().map(row).collect();
    md += &crate::results::table(&header, &rows);

    if !scale.backlog.is_empty() {
        md += &format!(
            "\n**The backlog storm: {n} connections at once against `{BACKLOG_SERVER}-server \
             --backlog N`**\n\n"
        );
        let rows: Vec<Vec<String>> = scale
            .backlog
            .iter()
            .map(|c| {
                vec![
                    c.backlog.map_or("-".into(), |b| b.to_string()),
                    seconds_text(&c.storm),
                    c.storm
                        .as_ref()
                        .map_or("-".into(), |p| thousands(p.answered as f64)),
                    c.errors().to_string(),
                ]
            })
            .collect();
        md += &crate::results::table(&["backlog", "storm", "answered", "errors"], &rows);
    }

    if !scale.hogs.is_empty() {
        md += &format!(
            "\n**A client that sends {} MB and never reads**, while {HOG_OTHERS} other \
             clients send one message each, all at once, every 10 ms\n\n",
            HOG_BYTES / 1_000_000
        );
        let rows: Vec<Vec<String>> = scale
            .hogs
            .iter()
            .map(|c| {
                vec![
                    c.server.clone(),
                    thousands(c.sent_bytes as f64),
                    c.growth_kib().map_or("-".into(), |g| format!("{g} KiB")),
                    format!("{:.1} ms", c.slowest_round_ms),
                    c.rounds.to_string(),
                    c.errors.to_string(),
                ]
            })
            .collect();
        md += &crate::results::table(
            &[
                "server",
                "bytes the kernel took from it",
                "server memory growth",
                "slowest answer to the others",
                "rounds",
                "errors",
            ],
            &rows,
        );
    }
    md
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(n: usize, seconds: f64) -> Option<Phase> {
        Some(Phase {
            seconds,
            answered: n,
            errors: Default::default(),
        })
    }

    fn storm_cell(server: &str, n: usize, seconds: f64, kib_per_conn: u64) -> StormCell {
        StormCell {
            server: server.into(),
            backlog: None,
            connections: n,
            storm: answered(n, seconds),
            round: answered(n, 0.2),
            rss_before_kib: Some(3000),
            rss_idle_kib: Some(3000 + kib_per_conn * n as u64),
            rss_peak_kib: Some(3000 + kib_per_conn * n as u64),
            threads: Some(1),
            error: None,
        }
    }

    fn hog_cell(server: &str, growth: u64, slowest_ms: f64) -> HogCell {
        HogCell {
            server: server.into(),
            offered_bytes: HOG_BYTES,
            sent_bytes: 8_000_000,
            seconds: 3.0,
            rounds: 300,
            slowest_round_ms: slowest_ms,
            errors: 0,
            rss_before_kib: Some(3000),
            rss_max_kib: Some(3000 + growth),
            error: None,
        }
    }

    fn passes(scale: &Scale) -> Vec<bool> {
        targets(Some(scale)).iter().map(|t| t.pass).collect()
    }

    #[test]
    fn every_target_is_judged_on_its_measurement() {
        let n = CONNECTIONS;
        let mut scale = Scale {
            connections: n,
            storms: vec![
                storm_cell("tcp-threaded", n, 3.0, 10),
                storm_cell("tcp-select", n, 0.5, 0),
                storm_cell("tcp-async", n, 0.6, 2),
            ],
            backlog: vec![],
            hogs: vec![
                hog_cell("tcp-select", 64, 9.0),
                hog_cell("tcp-async", 4, 5.0),
            ],
        };
        // 3 x 0 errors, 2 x memory, 2 x storm time, 2 x never reads.
        assert_eq!(passes(&scale), [true; 9]);
        assert!((scale.storms[2].idle_kib_per_connection().unwrap() - 2.0).abs() < 1e-9);

        // A slow storm, one error, 3 KiB per connection, a slow answer and
        // a growing server: misses.
        scale.storms[1].storm.as_mut().unwrap().seconds = 1.5;
        scale.storms[0].round.as_mut().unwrap().answered = n - 1;
        scale.storms[0]
            .round
            .as_mut()
            .unwrap()
            .errors
            .insert("Connection reset by peer".into(), 1);
        scale.storms[2] = storm_cell("tcp-async", n, 0.6, 3);
        scale.hogs[0] = hog_cell("tcp-select", 64, 150.0);
        scale.hogs[1] = hog_cell("tcp-async", 2048, 5.0);
        assert_eq!(
            passes(&scale),
            [false, true, true, true, false, false, true, false, false]
        );
    }

    #[test]
    fn fewer_connections_or_nothing_measured_is_a_miss() {
        let scale = Scale {
            connections: 200,
            storms: vec![storm_cell("tcp-select", 200, 0.01, 0)],
            ..Scale::default()
        };
        assert!(passes(&scale).iter().all(|p| !p));
        assert!(targets(None)
            .iter()
            .all(|t| !t.pass && t.measured == "not measured"));
        assert!(markdown(None).contains("not run"));
        let md = markdown(Some(&scale));
        assert!(md.contains("| tcp-select | 0.01 s | 0.20 s | 0 |"), "{md}");
    }
}
