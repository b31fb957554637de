//! `udp-echo-client`: send each line as a datagram, print the answers.

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::{Endpoint, MessageArgs};
use udp_echo::{client, DEFAULT_PORT, DEFAULT_TIMEOUT};

/// Lesson 5 client: send lines as UDP datagrams, print the answers (seed 002).
///
/// Each typed line (or --message) goes out as one datagram; the answer is
/// printed with the address that sent it. Type `quit` or end the input to
/// stop; empty lines are skipped. An answer that does not come within
/// --timeout is reported as a warning and the client goes on (exit status 0).
/// A late or duplicated answer, or a datagram from anyone else, is shown
/// labelled and never taken for the current line's answer (an echo is
/// placed by its content; other answers only by timing).
/// `--no-reply` sends without waiting, like seed 001's client.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    messages: MessageArgs,
    /// How long to wait for each answer, in seconds (e.g. 2 or 0.3).
    #[arg(long, value_name = "SECS", default_value = DEFAULT_TIMEOUT, value_parser = common::args::parse_seconds)]
    timeout: Duration,
    /// Send only; do not wait for answers (seed 001's client).
    #[arg(long, conflicts_with = "timeout")]
    no_reply: bool,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let (socket, server) = client::open(&cli.endpoint.host, cli.endpoint.port)?;
    let wait = (!cli.no_reply).then_some(cli.timeout);
    let mut typed = common::input::from_args_or_stdin(&cli.messages.messages);
    client::talk(
        socket,
        server,
        wait,
        &mut typed,
        &mut io::stdout(),
        &mut io::stderr(),
    )
}
