//! `bench-mio-server`: the minimal event-loop echo server (mio) the
//! benchmark compares lesson 7's `tcp-select-server` with.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

/// Minimal one-thread mio TCP echo server (the benchmark's yardstick for
/// tcp-select).
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
    let std_listener = std::net::TcpListener::bind((cli.host.as_str(), cli.port))
        .with_context(|| format!("cannot listen on {}:{}", cli.host, cli.port))?;
    std_listener.set_nonblocking(true)?;
    let listener = mio::net::TcpListener::from_std(std_listener);
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", listener.local_addr()?)?;
    out.flush()?;
    bench::mio_echo::serve(listener)?;
    Ok(())
}
