//! `tcp-async-server`: many clients on one thread, one task each.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use common::Endpoint;
use server_extras::{BacklogArg, Output, ServerArgs};
use tcp_async::handler::Answer;
use tcp_async::server::{self, Options};
use tcp_async::stop::Signals;
use tcp_async::{DEFAULT_BACKLOG, DEFAULT_PORT};

/// Lesson 8 server: every client is a task, all on one thread (tokio).
///
/// Answers every message with itself, or with --reply TEXT. Ctrl-C (or
/// SIGTERM) stops it gracefully: no new clients, each client's current
/// message is answered, then every connection is closed.
#[derive(Parser)]
#[command(version)]
// The shared --backlog help leaves the default to each server; say ours.
#[command(mut_arg("backlog", |arg| arg.help(
    "Let at most N connections wait, handshake done, for accept (the \
     kernel lowers a larger N to its own limit, net.core.somaxconn on \
     Linux) [default: 4096]"
)))]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    /// Answer every message with TEXT instead of the message itself.
    #[arg(long, value_name = "TEXT", conflicts_with = "echo",
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    reply: Option<String>,
    /// Answer every message with the message itself (the default; accepted
    /// so lesson 4's commands work here too).
    #[arg(long)]
    echo: bool,
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    backlog: BacklogArg,
}

/// How long a stopping server waits for its clients' current messages.
const GRACE: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let options = Options {
        answer: match cli.reply {
            Some(text) => Answer::Fixed(text),
            None => Answer::Echo,
        },
        max_clients: cli.server.max_clients,
        quiet: cli.server.quiet,
        grace: GRACE,
    };
    let backlog = cli.backlog.backlog.map_or(DEFAULT_BACKLOG, |n| n.get());
    let endpoint = cli.endpoint;
    tcp_async::runtime()?.block_on(async move {
        let listener = server::bind(&endpoint.host, endpoint.port, backlog).await?;
        // Listen for Ctrl-C and SIGTERM before saying we listen: a stop
        // sent right after the listening line is then never missed.
        let signals = Signals::install()?;
        let out = Output::stdout();
        // The first line names the real address, so `--port 0` can be used.
        out.line(format!("listening on {}", listener.local_addr()?));
        server::serve(listener, options, signals.received(), out).await
    })
}
