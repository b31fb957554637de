//! `tcp-loop-client`: send line after line, print each reply, `quit` ends.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, MessageArgs};
use tcp_loop::{client, DEFAULT_PORT};

/// Lesson 2 client: send each typed line and print the reply; an empty line
/// is skipped, `quit` or the end of input closes (seed 002, "tcp改进示例").
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
