//! `tcp-select-server`: serve many clients on one thread, with an event loop.

use std::num::NonZeroUsize;
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, Reply, ReplyArgs};
use tcp_select::server::{self, Options, Output, DEFAULT_BACKLOG};
use tcp_select::DEFAULT_PORT;

/// Lesson 7 server: many clients, one thread, non-blocking sockets and an
/// event loop (mio; Python: selectors).
///
/// Every message is answered with the message itself, or with --reply TEXT.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    reply: ReplyArgs,
    /// Serve at most N clients at once; one more is told "server busy" and
    /// closed.
    #[arg(long, value_name = "N")]
    max_clients: Option<NonZeroUsize>,
    /// Print no line per message nor per client arriving or leaving (for
    /// benchmarks); refusals and failures are still printed.
    #[arg(long)]
    quiet: bool,
    /// How many connections the kernel may complete and queue before the
    /// server accepts them (listen's backlog; the system may cap it).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BACKLOG,
          value_parser = clap::value_parser!(i32).range(1..))]
    backlog: i32,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let listener = server::bind(&cli.endpoint.host, cli.endpoint.port, cli.backlog)?;
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
        max_clients: cli.max_clients,
        quiet: cli.quiet,
    };
    server::serve(listener, options, out)
}
