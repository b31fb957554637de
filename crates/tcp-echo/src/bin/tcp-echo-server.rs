//! `tcp-echo-server`: accept one client, read one message, answer, exit.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, Reply, ReplyArgs};
use tcp_echo::{server, DEFAULT_PORT};

/// Lesson 1 server: one client, one message, one reply (seed 000, case 1).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    reply: ReplyArgs,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let listener = server::bind(&cli.endpoint.host, cli.endpoint.port)?;
    let mut out = io::stdout();
    // The first line names the real address, so `--port 0` can be used.
    writeln!(out, "listening on {}", listener.local_addr()?)?;
    let mut typed = common::input::from_args_or_stdin(&[]);
    server::serve_one(&listener, &Reply::from(&cli.reply), &mut typed, &mut out)
}
