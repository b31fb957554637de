//! `tcp-serial-client`: send line after line, print each reply, `quit` ends.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::{Encoding, Endpoint, MessageArgs};
use tcp_serial::{client, DEFAULT_PORT};

/// Lesson 3 client: send each typed line and print the reply; an empty line
/// is skipped, `quit` or the end of input closes (seed 004).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    messages: MessageArgs,

    /// Encoding of the text on the wire (seed 004's Python uses gbk).
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let stream = client::connect(&cli.endpoint.host, cli.endpoint.port)?;
    let mut typed = common::input::from_args_or_stdin(&cli.messages.messages);
    client::talk(stream, cli.encoding, &mut typed, &mut io::stdout())
}
