//! `tcp-async-client`: N connections, one task each, every message sent.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::{args::parse_seconds, Endpoint, MessageArgs};
use tcp_async::client::{self, Options};
use tcp_async::typed::TypedLines;
use tcp_async::DEFAULT_PORT;

/// Lesson 8 client: --clients N connections, each a task on one thread;
/// each sends every --message and prints every reply with its number.
///
/// With one client and no --message, it sends the lines you type
/// (`quit`, `exit` or the end of input stops).
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    /// How many connections to open at once.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    clients: u32,
    #[command(flatten)]
    messages: MessageArgs,
    /// Seconds to wait for a connection or a reply before giving up.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_seconds)]
    timeout: Duration,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let messages = cli.messages.messages;
    let typed = match (messages.is_empty(), cli.clients) {
        (true, 1) => Some(TypedLines::new(common::input::from_args_or_stdin(&[]))),
        (true, n) => anyhow::bail!(
            "--clients {n} needs the messages as --message TEXT (typed lines \
             work with one client only)"
        ),
        (false, _) => None,
    };
    let options = Options {
        clients: cli.clients as usize,
        messages,
        timeout: cli.timeout,
    };
    let endpoint = cli.endpoint;
    tcp_async::runtime()?.block_on(client::run(&endpoint.host, endpoint.port, options, typed))
}
