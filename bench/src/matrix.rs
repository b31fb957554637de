//! The standard matrix `just bench` runs: every server, every load, in one
//! go on one machine, so the ratios compare numbers measured side by side.
//!
//! Each cell starts a fresh server (its peak memory is then that cell's
//! own; on a CPU of its own where possible, see [`crate::pinning`]), runs
//! the load generator in this process, reads the server's /proc status,
//! and kills it. Cells are run round-robin `repeat` times and
//! each reports its median run, so a burst of other work on the machine
//! hits every server a little rather than one server a lot.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};

use crate::loadgen::{self, Config, Protocol, Report, Stop};
use crate::pinning::Pinning;
use crate::report::{duration_us, thousands};
use crate::results::{
    Cell, CpuCost, Scenario, CLIENTS, CONVERSATION, CONVERSATION_SERVERS, EVENT_CLIENTS,
    EVENT_SERVERS, TCP_SERVERS, THINK_MS, THOUSAND_SERVERS, UDP_CLIENTS, UDP_SERVERS,
};
use crate::server::{CpuTime, ProcStatus, Server, ThreadSampler};

/// How to run the matrix.
#[derive(Clone, Debug)]
pub struct Options {
    /// The workspace root (the Python servers are found from here).
    pub root: PathBuf,
    /// Where the release binaries are (next to `bench-matrix` itself).
    pub bin_dir: PathBuf,
    /// Seconds per run.
    pub seconds: f64,
    /// Runs per cell (the median is reported).
    pub repeat: usize,
    /// A tiny run that only proves the tool works.
    pub smoke: bool,
    /// Where the servers run (this process is already pinned, or not).
    pub pinning: Pinning,
}

/// How to start a server.
#[derive(Clone, Copy, Debug)]
enum Launch {
    /// A binary of the workspace: its name, the package that builds it, and
    /// its arguments.
    Bin(&'static str, &'static str, &'static [&'static str]),
    /// A Python script (relative to the workspace root) and its arguments.
    Python(&'static str, &'static [&'static str]),
}

/// The command line of every server, by the name the results use.
fn launch_of(server: &str) -> Option<Launch> {
    Some(match server {
        "baseline" => Launch::Bin("bench-baseline-server", "bench", &["--port", "0"]),
        "tcp-threaded" => Launch::Bin(
            "tcp-threaded-server",
            "tcp-threaded",
            &["--port", "0", "--echo", "--quiet"],
        ),
        "tcp-serial" => Launch::Bin(
            "tcp-serial-server",
            "tcp-serial",
            &["--port", "0", "--echo", "--quiet"],
        ),
        "python-threaded" => Launch::Python("crates/tcp-threaded/python/echo_server.py", &["0"]),
        // Lesson 7 and its yardstick: one thread, an epoll loop (mio).
        "tcp-select" => Launch::Bin(
            "tcp-select-server",
            "tcp-select",
            &["--port", "0", "--echo", "--quiet"],
        ),
        "mio-minimal" => Launch::Bin("bench-mio-server", "bench", &["--port", "0"]),
        // Lesson 8 and its yardstick: tokio tasks on one thread.
        "tcp-async" => Launch::Bin(
            "tcp-async-server",
            "tcp-async",
            &["--port", "0", "--echo", "--quiet"],
        ),
        "tokio-minimal" => Launch::Bin("bench-tokio-server", "bench", &["--port", "0"]),
        // The Python lessons echo by default and have no --quiet: they
        // print a line per client and per message, which the benchmark
        // reads and throws away.
        "python-select" => Launch::Python("crates/tcp-select/python/server.py", &["0"]),
        "python-async" => Launch::Python("crates/tcp-async/python/server.py", &["0"]),
        // No line per datagram: the UDP runs measure the servers, not stdout.
        "udp-echo" => Launch::Bin("udp-echo-server", "udp-echo", &["--port", "0", "--quiet"]),
        "python-udp" => Launch::Python("bench/python/udp_echo_server.py", &["0", "--quiet"]),
        _ => return None,
    })
}

/// Whether `server` can be started: its binary is built, or its Python
/// script is there.
pub fn is_available(options: &Options, server: &str) -> bool {
    match launch_of(server) {
        Some(Launch::Bin(name, _, _)) => options.bin_dir.join(name).is_file(),
        Some(Launch::Python(script, _)) => options.root.join(script).is_file(),
        None => false,
    }
}

/// One cell to measure.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The kind of load.
    pub scenario: Scenario,
    /// Which server.
    pub server: &'static str,
    /// Concurrent clients.
    pub clients: usize,
}

/// The cells of the standard matrix (or of the smoke run).
pub fn plan(smoke: bool) -> Vec<Plan> {
    use Scenario::*;
    let cell = |scenario, server, clients| Plan {
        scenario,
        server,
        clients,
    };
    if smoke {
        return vec![
            cell(Tcp, "baseline", 4),
            cell(Tcp, "tcp-threaded", 4),
            cell(Tcp, "mio-minimal", 4),
            cell(Tcp, "tcp-select", 4),
            cell(Tcp, "tokio-minimal", 4),
            cell(Tcp, "tcp-async", 4),
            cell(TcpConversations, "tcp-serial", 2),
            cell(Udp, "udp-echo", 2),
        ];
    }
    let mut plan = vec![];
    for &n in &CLIENTS {
        plan.extend(TCP_SERVERS.iter().map(|&s| cell(Tcp, s, n)));
    }
    for &n in &EVENT_CLIENTS {
        plan.extend(EVENT_SERVERS.iter().map(|&s| cell(Tcp, s, n)));
    }
    for &n in &CLIENTS {
        plan.extend(
            CONVERSATION_SERVERS
                .iter()
                .map(|&s| cell(TcpConversations, s, n)),
        );
    }
    for &n in &UDP_CLIENTS {
        plan.extend(UDP_SERVERS.iter().map(|&s| cell(Udp, s, n)));
    }
    plan.extend(THOUSAND_SERVERS.iter().map(|&s| cell(Tcp1000, s, 1000)));
    plan
}

/// What one run of one cell measured.
struct Measured {
    report: Report,
    status: Option<ProcStatus>,
    threads: u64,
    /// CPU used during the load by the server and by this process.
    server_cpu: Option<CpuTime>,
    loadgen_cpu: Option<CpuTime>,
}

/// Runs the plan `repeat` times round-robin; returns the cells (median run
/// each).
pub fn run(options: &Options, plan: &[Plan]) -> Vec<Cell> {
    let mut runs: Vec<Vec<Result<Measured, String>>> = plan.iter().map(|_| vec![]).collect();
    for round in 1..=options.repeat {
        for (cell, plan) in plan.iter().enumerate() {
            let result = measure(options, plan).map_err(|e| format!("{e:#}"));
            println!(
                "[{round}/{}] {:<24} {:<16} {:>4} clients  {}",
                options.repeat,
                scenario_text(plan.scenario),
                plan.server,
                plan.clients,
                match &result {
                    Ok(m) => one_line(&m.report),
                    Err(e) => format!("FAILED: {e}"),
                }
            );
            runs[cell].push(result);
        }
    }
    plan.iter()
        .zip(runs)
        .map(|(plan, runs)| median_cell(plan, runs))
        .collect()
}

fn scenario_text(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::Tcp => "tcp",
        Scenario::TcpConversations => "tcp, conversations",
        Scenario::Udp => "udp",
        Scenario::Tcp1000 => "tcp, 1,000 at once",
    }
}

fn one_line(r: &Report) -> String {
    format!(
        "{:>9}/s  p50 {:>9}  p99 {:>9}  {} errors",
        thousands(r.round_trips_per_s),
        duration_us(r.latency_us.p50),
        duration_us(r.latency_us.p99),
        r.errors
    )
}

/// The cell from its runs: the run with the median throughput.
fn median_cell(plan: &Plan, runs: Vec<Result<Measured, String>>) -> Cell {
    let mut error = None;
    let mut ok = vec![];
    for run in runs {
        match run {
            Ok(m) => ok.push(m),
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    }
    let rates: Vec<f64> = ok.iter().map(|m| m.report.round_trips_per_s).collect();
    ok.sort_by(|a, b| {
        a.report
            .round_trips_per_s
            .total_cmp(&b.report.round_trips_per_s)
    });
    let median = ok.len().checked_sub(1).map(|last| last / 2);
    let chosen = median.and_then(|i| ok.into_iter().nth(i));
    Cell {
        scenario: plan.scenario,
        server: plan.server.to_string(),
        clients: plan.clients,
        server_peak_rss_kib: chosen.as_ref().and_then(|m| Some(m.status?.vm_hwm_kib)),
        server_peak_virtual_kib: chosen.as_ref().and_then(|m| Some(m.status?.vm_peak_kib)),
        server_peak_threads: chosen.as_ref().map(|m| m.threads),
        cpu_per_round_trip_us: chosen.as_ref().and_then(cpu_cost),
        report: chosen.map(|m| m.report),
        runs: rates,
        error,
    }
}

/// CPU per round trip, if the run did round trips and /proc was readable.
fn cpu_cost(m: &Measured) -> Option<CpuCost> {
    let (server, loadgen) = (m.server_cpu?, m.loadgen_cpu?);
    let per = 1e6 / (m.report.round_trips as f64).max(1.0);
    (m.report.round_trips > 0).then_some(CpuCost {
        server_user: server.user_s * per,
        server_system: server.system_s * per,
        loadgen: (loadgen.user_s + loadgen.system_s) * per,
    })
}

/// One run of one cell: fresh server, load, status, kill.
fn measure(options: &Options, plan: &Plan) -> anyhow::Result<Measured> {
    let mut server = start(options, plan.server, &[])?;
    let sampler = ThreadSampler::start(server.pid());
    let config = config_for(options, plan, server.addr());
    let (server_before, self_before) = (CpuTime::of(server.pid()), CpuTime::of_self());
    let report = loadgen::run(&config);
    let server_cpu = CpuTime::of(server.pid())
        .zip(server_before)
        .map(|(a, b)| a.since(b));
    let loadgen_cpu = CpuTime::of_self().zip(self_before).map(|(a, b)| a.since(b));
    let threads = sampler.finish();
    // Read the peak memory before the server is killed.
    let status = server.status();
    server.check_running()?;
    Ok(Measured {
        report: report?,
        status,
        threads,
        server_cpu,
        loadgen_cpu,
    })
}

/// The load for a cell.
pub fn config_for(options: &Options, plan: &Plan, addr: SocketAddr) -> Config {
    let seconds = Duration::from_secs_f64(options.seconds);
    let mut config = Config::tcp(addr, plan.clients, seconds);
    config.progress = std::io::stderr().is_terminal();
    match plan.scenario {
        Scenario::Tcp | Scenario::Tcp1000 => {}
        Scenario::TcpConversations => {
            // Everyone arrives at once (no connect phase: clients queue in
            // the server's accept queue as they would in real life), has one
            // conversation and leaves. The pauses keep each connection open
            // for a while, as a person would; a serial server waits with it.
            config.connect_first = false;
            config.per_connection = Some(CONVERSATION);
            config.stop = Stop::RoundTrips(CONVERSATION);
            config.think = Some(Duration::from_millis(THINK_MS));
            // Behind 499 conversations, or behind SYNs dropped from a full
            // accept queue (retried after 1, 3, 7 s), a wait of seconds is
            // the result to measure, not a failure.
            config.timeout = Duration::from_secs(20);
            config.connect_timeout = Duration::from_secs(20);
        }
        Scenario::Udp => {
            config.protocol = Protocol::Udp;
            // A datagram is lost or it is back in microseconds; one second
            // is generous, and bounds what a loss costs a client.
            config.timeout = Duration::from_secs(1);
        }
    }
    config
}

/// Starts `server` (on the servers' CPU when pinned), failing with what to
/// do if it is not built. Rust and Python servers go through the same
/// [`Pinning::command`], so both get the same CPU budget.
/// `extra` arguments follow the server's own (e.g. `--backlog 5`).
pub(crate) fn start(options: &Options, server: &str, extra: &[String]) -> anyhow::Result<Server> {
    let launch = launch_of(server).with_context(|| format!("unknown server {server}"))?;
    let mut command = match launch {
        Launch::Bin(name, package, args) => {
            let path = options.bin_dir.join(name);
            if !path.is_file() {
                bail!(
                    "{name} not found in {} (build it: cargo build --release -p {package})",
                    options.bin_dir.display()
                );
            }
            let mut command = options.pinning.command(path);
            command.args(args).args(extra);
            command
        }
        Launch::Python(script, args) => {
            let path = options.root.join(script);
            if !path.is_file() {
                bail!("{} not found", path.display());
            }
            // -u: unbuffered, or the listening line would wait in Python's
            // buffer for a pipe.
            let mut command = options.pinning.command("python3");
            command.arg("-u").arg(path).args(args).args(extra);
            command.env("PYTHONIOENCODING", "utf-8");
            command
        }
    };
    // RUST_LOG=debug in the caller's environment would make every server
    // trace every socket call: not what is being measured.
    command.env_remove("RUST_LOG");
    Server::start(server, command)
}

/// The workspace root when run from the build tree: this crate's parent.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_planned_server_can_be_launched() {
        for plan in plan(false).iter().chain(&plan(true)) {
            assert!(launch_of(plan.server).is_some(), "{}", plan.server);
        }
    }

    #[test]
    fn the_matrix_covers_the_issue() {
        let plan = plan(false);
        let has = |scenario, server: &str, n| {
            plan.iter()
                .any(|p| p.scenario == scenario && p.server == server && p.clients == n)
        };
        for n in CLIENTS {
            for server in ["baseline", "tcp-threaded", "python-threaded"] {
                assert!(has(Scenario::Tcp, server, n), "{server} at {n}");
            }
            assert!(has(Scenario::TcpConversations, "tcp-serial", n));
            assert!(has(Scenario::TcpConversations, "tcp-threaded", n));
        }
        assert!(has(Scenario::Udp, "udp-echo", 64) && has(Scenario::Udp, "python-udp", 64));
        assert!(has(Scenario::Tcp1000, "tcp-threaded", 1000));
        for n in [64, 500] {
            for server in ["tcp-select", "mio-minimal", "tcp-async", "tokio-minimal"] {
                assert!(has(Scenario::Tcp, server, n), "{server} at {n}");
            }
        }
    }

    #[test]
    fn median_run_is_chosen() {
        let plan = &plan(true)[0];
        let run = |rate: f64| {
            let mut config = config_for(
                &Options {
                    root: default_root(),
                    bin_dir: PathBuf::new(),
                    seconds: 1.0,
                    repeat: 3,
                    smoke: true,
                    pinning: Pinning::off("test"),
                },
                plan,
                "127.0.0.1:1".parse().unwrap(),
            );
            config.clients = 1;
            Ok(Measured {
                report: Report {
                    protocol: Protocol::Tcp,
                    addr: config.addr.to_string(),
                    clients: 4,
                    message_bytes: 64,
                    round_trips: 1,
                    round_trips_per_s: rate,
                    elapsed_s: 1.0,
                    connect_s: 0.0,
                    peak_connections: 4,
                    latency_us: Default::default(),
                    first_reply_us: None,
                    errors: 0,
                    error_kinds: Default::default(),
                },
                status: None,
                threads: 5,
                server_cpu: None,
                loadgen_cpu: None,
            })
        };
        let cell = median_cell(
            plan,
            vec![run(30.0), Err("server died".into()), run(10.0), run(20.0)],
        );
        assert_eq!(cell.report.unwrap().round_trips_per_s, 20.0);
        assert_eq!(cell.runs, [30.0, 10.0, 20.0]);
        assert_eq!(cell.error.as_deref(), Some("server died"));
        assert_eq!(cell.server_peak_threads, Some(5));
    }
}
