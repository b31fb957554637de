//! `tcp-echo-client`: connect, send one message, print the reply, exit.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, MessageArgs};
use tcp_echo::{client, DEFAULT_PORT};

/// Lesson 1 client: send one message, print the reply (seed 000, case 1).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
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
    client::talk(stream, &mut typed, &mut io::stdout())
}
