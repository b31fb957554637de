//! `tcp-async-client`: N connections, one task each, every message sent.

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use common::{Endpoint, MessageArgs};
use server_extras::{read_script, ClientsArgs};
use tcp_async::client::{self, Options};
use tcp_async::messages::{Messages, TypedLines};
use tcp_async::DEFAULT_PORT;

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
    #[command(flatten)]
    clients: ClientsArgs,
    #[command(flatten)]
    messages: MessageArgs,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let messages = if !cli.messages.messages.is_empty() {
        Messages::Scripted(Arc::from(cli.messages.messages))
    } else if cli.clients.clients.get() == 1 {
        Messages::Typed(TypedLines::new(common::input::from_args_or_stdin(&[])))
    } else {
        // Every connection sends the same lines: read them all first
        // (before the runtime starts, so this blocking read stalls nothing).
        let at_terminal = io::stdin().is_terminal();
        Messages::Scripted(Arc::from(read_script(
            &mut io::stdin().lock(),
            at_terminal,
        )?))
    };
    let options = Options {
        name: cli.clients.name,
        clients: cli.clients.clients,
        timeout: cli.clients.timeout,
    };
    let (host, port) = cli.endpoint.pair();
    tcp_async::runtime()?.block_on(client::run(host, port, options, messages))
}
