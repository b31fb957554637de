//! `bench-baseline-server`: the minimal thread-per-connection echo server
//! the benchmark compares the lesson servers with.

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

/// Minimal thread-per-connection TCP echo server (the benchmark's yardstick).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port; 0 lets the system pick one (printed on the first line).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let listener = TcpListener::bind((cli.host.as_str(), cli.port))
        .with_context(|| format!("cannot listen on {}:{}", cli.host, cli.port))?;
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", listener.local_addr()?)?;
    out.flush()?;
    bench::baseline::serve(&listener)?;
    Ok(())
}
