//! `tcp-async-client`: N connections, one task each, every message sent.

use std::io;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use common::{args::parse_seconds, Endpoint, MessageArgs};
use tcp_async::client::{self, Options};
use tcp_async::messages::{Messages, TypedLines};
use tcp_async::{DEFAULT_NAME, DEFAULT_PORT};

/// Lesson 8 client: --clients N connections, each a task on one thread.
/// Each sends NAME:text for every message (lesson 4's wire format) and
/// prints every reply, labelled [1], [2], ...
///
/// With one connection and no --message, lines are typed (`exit` or the
/// end of input quits); with more, all of stdin is read first.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    /// How many connections to open, a task each, all on one thread.
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
    let messages = if !cli.messages.messages.is_empty() {
        Messages::Scripted(Arc::from(cli.messages.messages))
    } else if cli.clients.get() == 1 {
        Messages::Typed(TypedLines::new(common::input::from_args_or_stdin(&[])))
    } else {
        // Every connection sends the same lines: read them all first
        // (before the runtime starts, so this blocking read stalls nothing).
        let mut stdin = io::stdin().lock();
        let mut lines = Vec::new();
        while let Some(line) = common::input::read_line(&mut stdin)? {
            if line == "exit" {
                break;
            }
            lines.push(line);
        }
        Messages::Scripted(Arc::from(lines))
    };
    let options = Options {
        name: cli.name,
        clients: cli.clients,
        timeout: cli.timeout,
    };
    let (host, port) = cli.endpoint.pair();
    tcp_async::runtime()?.block_on(client::run(host, port, options, messages))
}
