//! `bench-tokio-server`: the minimal async echo server (tokio) the
//! benchmark compares lesson 8's `tcp-async-server` with.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

/// Minimal tokio TCP echo server, one task per client on one thread (the
/// benchmark's yardstick for tcp-async).
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
    // One thread, as the lesson's server runs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((cli.host.as_str(), cli.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", cli.host, cli.port))?;
        let mut out = std::io::stdout();
        writeln!(out, "listening on {}", listener.local_addr()?)?;
        out.flush()?;
        bench::tokio_echo::serve(listener).await?;
        Ok(())
    })
}
