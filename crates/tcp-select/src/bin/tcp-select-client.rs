//! `tcp-select-client`: N connections on one thread, each sending every
//! message and printing every reply.

use std::io::{self, BufRead, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, LineSource, MessageArgs};
use server_extras::{read_script, ClientsArgs};
use tcp_select::client::{self, Messages, Options};
use tcp_select::DEFAULT_PORT;

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
    let stdin = io::stdin();
    let echo = !stdin.is_terminal();
    let mut input: Box<dyn BufRead> = Box::new(stdin.lock());
    let messages = if !cli.messages.messages.is_empty() {
        Messages::Scripted(cli.messages.messages)
    } else if cli.clients.clients.get() == 1 {
        Messages::Typed(LineSource::reader(input, echo))
    } else {
        // Every connection sends the same lines: read them all first.
        Messages::Scripted(read_script(&mut input, !echo)?)
    };
    let options = Options {
        name: cli.clients.name,
        clients: cli.clients.clients,
        timeout: cli.clients.timeout,
    };
    let (host, port) = cli.endpoint.pair();
    client::run(host, port, &options, messages, &mut io::stdout())
}
