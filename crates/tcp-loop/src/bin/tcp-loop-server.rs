//! `tcp-loop-server`: serve clients one after another, many messages each.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, Reply, ReplyArgs};
use tcp_loop::{server, DEFAULT_PORT};

/// Lesson 2 server: talk with each client until it leaves, then accept the
/// next (seed 002, "tcp改进示例"). Replies are typed at stdin unless --reply
/// or --echo is given; the end of stdin stops the server.
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
    server::serve_forever(&listener, &Reply::from(&cli.reply), &mut typed, &mut out)
}
