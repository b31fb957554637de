//! `tcp-select-server`: serve many clients on one thread, with an event loop.

use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, Reply, ReplyArgs};
use server_extras::{BacklogArg, Output, ServerArgs};
use tcp_select::server::{self, Options, DEFAULT_BACKLOG};
use tcp_select::DEFAULT_PORT;

/// Lesson 7 server: many clients, one thread, non-blocking sockets and an
/// event loop (mio; Python: selectors).
///
/// Every message is answered with the message itself, or with --reply TEXT.
#[derive(Parser)]
#[command(version)]
// This server's default backlog is its own (DEFAULT_BACKLOG), not mio's.
#[command(mut_arg("backlog", |arg| arg.help(BACKLOG_HELP)))]
// Nobody types answers here (see `run`): the shared help of --reply and
// --echo speaks of the terminal, so say what this server does instead.
#[command(mut_arg("reply", |arg| arg.help(
    "Answer every message with TEXT instead of the message itself"
)))]
#[command(mut_arg("echo", |arg| arg.help(
    "Answer every message with the message itself (the default; accepted \
     so lesson 4's commands work here too)"
)))]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    reply: ReplyArgs,
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    backlog: BacklogArg,
}

const BACKLOG_HELP: &str = "Let at most N connections wait, handshake done, for accept \
     (the kernel lowers a larger N to its own limit, net.core.somaxconn on Linux) [default: 4096]";

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let backlog = cli.backlog.backlog.map_or(DEFAULT_BACKLOG, |n| n.get());
    let listener = server::bind(&cli.endpoint.host, cli.endpoint.port, backlog)?;
    let out = Output::stdout();
    // The first line names the real address, so `--port 0` can be used.
    out.line(format!("listening on {}", listener.local_addr()?));
    // Nobody types answers here: without --reply, every message is echoed.
    let reply = match Reply::from(&cli.reply) {
        Reply::Typed => Reply::Echo,
        other => other,
    };
    let options = Options {
        reply,
        max_clients: cli.server.max_clients,
        quiet: cli.server.quiet,
    };
    server::serve(listener, options, out)
}
