//! `tcp-threaded-client`: send `老王:`-prefixed lines, print each reply.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, MessageArgs};
use tcp_threaded::{client, DEFAULT_NAME, DEFAULT_PORT};

/// Lesson 4 client: every message goes out as NAME:text; `exit` quits
/// (seed 000, case 2).
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    /// The name put in front of every message, as in `老王:你好`.
    #[arg(long, default_value = DEFAULT_NAME)]
    name: String,
    #[command(flatten)]
    messages: MessageArgs,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let stream = client::connect(&cli.endpoint.host, cli.endpoint.port)?;
    let mut typed = common::input::from_args_or_stdin(&cli.messages.messages);
    client::talk(stream, &cli.name, &mut typed, &mut io::stdout())
}
