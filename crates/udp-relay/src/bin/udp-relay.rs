//! `udp-relay`: forward datagrams between clients and a server, losing,
//! duplicating, delaying and reordering some of them on purpose.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use udp_relay::fate::{parse_plan, parse_probability, Direction, Faults, Plan};
use udp_relay::relay::Relay;

/// A faulty network for UDP on loopback: clients send to --listen, the
/// relay forwards to --to and carries the answers back, giving each datagram
/// a fate: ok, drop, dup (twice), late (held --hold seconds) or swap (held
/// until the next one has passed). Each fate is printed.
///
/// Fates follow a fixed --plan (e.g. ok,drop,late,ok,dup; ok after its end)
/// or are drawn with --drop/--dup/--delay/--reorder from --seed, so runs
/// repeat. They apply to the server's answers unless --faults says
/// otherwise. Example:
/// just udp-relay --listen 127.0.0.1:9001 --to 127.0.0.1:9000 --drop 0.2 --dup 0.1
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Where the clients send (port 0: the system picks one).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9001")]
    listen: SocketAddr,
    /// The server to forward to.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9000")]
    to: SocketAddr,
    /// One fate per datagram, in order: ok, drop, dup, late, swap.
    #[arg(long, value_name = "FATES", value_parser = parse_plan,
          conflicts_with_all = ["drop", "dup", "delay", "reorder"])]
    plan: Option<Plan>,
    /// Chance (0-1) that a datagram is lost.
    #[arg(long, value_name = "P", default_value = "0", value_parser = parse_probability)]
    drop: f64,
    /// Chance (0-1) that a datagram is delivered twice.
    #[arg(long, value_name = "P", default_value = "0", value_parser = parse_probability)]
    dup: f64,
    /// Chance (0-1) that a datagram is held back for --hold.
    #[arg(long, value_name = "P", default_value = "0", value_parser = parse_probability)]
    delay: f64,
    /// Chance (0-1) that a datagram swaps places with the next (0.1 if
    /// given without a value).
    #[arg(long, value_name = "P", default_value = "0", default_missing_value = "0.1",
          num_args = 0..=1, value_parser = parse_probability)]
    reorder: f64,
    /// How long a late datagram is held back, in seconds.
    #[arg(long, value_name = "SECS", default_value = "0.8", value_parser = common::args::parse_seconds)]
    hold: Duration,
    /// The seed of the draws: the same seed, the same fates.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Which datagrams the faults apply to.
    #[arg(long, value_enum, default_value = "answers")]
    faults: Direction,
    /// Print no line per datagram.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let faults = Faults {
        plan: cli.plan,
        drop: cli.drop,
        dup: cli.dup,
        delay: cli.delay,
        reorder: cli.reorder,
        hold: cli.hold,
        seed: cli.seed,
        direction: cli.faults,
    };
    faults.check().map_err(anyhow::Error::msg)?;
    let relay = Relay::bind(cli.listen, cli.to, faults, cli.quiet)?;
    let mut out = io::stdout();
    // The first line names the real address, like the lessons' servers.
    writeln!(out, "listening on {}", relay.local_addr()?)?;
    writeln!(out, "relaying to {}", cli.to)?;
    relay.run(out)
}
