//! `loadgen`: closed-loop load against any echo server, TCP or UDP.
//!
//! `loadgen 127.0.0.1:9998 --clients 64 --duration 5` prints a summary;
//! `--json FILE` (or `--json -` for stdout) writes the same numbers as JSON.

use std::io::{IsTerminal, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use bench::loadgen::{self, Config, Protocol, Stop};
use clap::Parser;

/// Closed-loop load generator: N clients, each sends an M-byte message and
/// waits for the whole echo before sending the next.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The echo server, HOST:PORT.
    addr: String,
    /// Concurrent clients.
    #[arg(long, short = 'c', default_value_t = 8)]
    clients: usize,
    /// Bytes per message.
    #[arg(long, short = 's', default_value_t = 64)]
    size: usize,
    /// Seconds to run (after all clients connected).
    #[arg(
        long,
        short = 'd',
        default_value_t = 5.0,
        conflicts_with = "round_trips"
    )]
    duration: f64,
    /// Round trips per client instead of a duration.
    #[arg(long, short = 'n')]
    round_trips: Option<u64>,
    /// Reconnect after this many round trips on one connection (TCP).
    #[arg(long)]
    per_connection: Option<u64>,
    /// Connect each client when it starts, inside the measured run, instead
    /// of connecting all of them first (TCP). The first round trip then
    /// includes the connect and any wait in the server's accept queue.
    #[arg(long)]
    lazy_connect: bool,
    /// Milliseconds to pause after each echo before the next message on the
    /// same connection, as a person would (TCP; not counted in latency).
    #[arg(long, value_name = "MS")]
    think: Option<f64>,
    /// Use UDP: datagrams per second; an echo missing after --timeout is lost.
    #[arg(long)]
    udp: bool,
    /// Seconds to wait for one echo before counting an error.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Seconds to wait for one TCP connect.
    #[arg(long, default_value_t = 10.0)]
    connect_timeout: f64,
    /// Event-loop threads driving the clients.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Show a progress line on stderr (default: only when stderr is a terminal).
    #[arg(long)]
    progress: bool,
    /// Write the results as JSON to FILE (`-` for stdout; the summary then
    /// goes to stderr).
    #[arg(long, value_name = "FILE")]
    json: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn seconds(value: f64, flag: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .with_context(|| format!("{flag} must be a positive number of seconds, not {value}"))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let addr: SocketAddr = cli
        .addr
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {:?} (expected HOST:PORT)", cli.addr))?
        .next()
        .with_context(|| format!("{:?} resolves to no address", cli.addr))?;
    let config = Config {
        addr,
        protocol: if cli.udp {
            Protocol::Udp
        } else {
            Protocol::Tcp
        },
        clients: cli.clients,
        size: cli.size,
        stop: match cli.round_trips {
            Some(k) => Stop::RoundTrips(k),
            None => Stop::After(seconds(cli.duration, "--duration")?),
        },
        per_connection: cli.per_connection,
        connect_first: !cli.lazy_connect,
        think: match cli.think {
            Some(ms) => Some(seconds(ms / 1000.0, "--think")?),
            None => None,
        },
        timeout: seconds(cli.timeout, "--timeout")?,
        connect_timeout: seconds(cli.connect_timeout, "--connect-timeout")?,
        threads: cli.threads,
        progress: cli.progress || std::io::stderr().is_terminal(),
    };
    let report = loadgen::run(&config)?;

    let summary = bench::report::summary(&report);
    let json = serde_json::to_string_pretty(&report)?;
    match cli.json.as_deref() {
        Some("-") => {
            eprint!("{summary}");
            println!("{json}");
        }
        Some(path) => {
            std::fs::write(path, json + "\n").with_context(|| format!("cannot write {path}"))?;
            print!("{summary}");
        }
        None => print!("{summary}"),
    }
    std::io::stdout().flush()?;
    if report.round_trips == 0 && report.errors > 0 {
        let first = report
            .error_kinds
            .keys()
            .next()
            .cloned()
            .unwrap_or_default();
        bail!("no echo came back ({first}); is the server running at {addr}?");
    }
    Ok(())
}
