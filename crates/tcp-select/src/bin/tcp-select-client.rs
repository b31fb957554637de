//! `tcp-select-client`: N connections on one thread, each sending every
//! message and printing every reply.

use std::io::{self, BufRead, IsTerminal};
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::{args::parse_seconds, Endpoint, LineSource, MessageArgs};
use tcp_select::client::{self, Messages, Options};
use tcp_select::{DEFAULT_NAME, DEFAULT_PORT};

/// Lesson 7 client: --clients N connections driven by one thread and one
/// poll loop. Each sends NAME:text for every message (lesson 4's wire
/// format) and prints every reply, labelled with its connection number.
///
/// With one connection and no --message, lines are typed (`exit` or the
/// end of input quits); with more, all of stdin is read first.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    /// How many connections to open, all driven by this one thread.
    #[arg(long, value_name = "N", default_value = "1")]
    clients: NonZeroUsize,
    /// The name put in front of every message, as in `老王:你好`.
    #[arg(long, default_value = DEFAULT_NAME)]
    name: String,
    #[command(flatten)]
    messages: MessageArgs,
    /// Seconds to wait for the server (to connect, or to answer) before
    /// giving up.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    timeout: Duration,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let stdin = io::stdin();
    let echo = !stdin.is_terminal();
    let mut input: Box<dyn BufRead> = Box::new(stdin.lock());
    let messages = if !cli.messages.messages.is_empty() {
        Messages::Scripted(cli.messages.messages)
    } else if cli.clients.get() == 1 {
        Messages::Typed(LineSource::reader(input, echo))
    } else {
        // Every connection sends the same lines: read them all first.
        if !echo {
            eprintln!("type the messages, one per line, then Ctrl-D (Ctrl-Z on Windows)");
        }
        let mut lines = Vec::new();
        while let Some(line) = common::input::read_line(&mut input)? {
            if line == "exit" {
                break;
            }
            lines.push(line);
        }
        Messages::Scripted(lines)
    };
    let options = Options {
        name: cli.name,
        clients: cli.clients,
        timeout: cli.timeout,
    };
    let (host, port) = cli.endpoint.pair();
    client::run(host, port, &options, messages, &mut io::stdout())
}
