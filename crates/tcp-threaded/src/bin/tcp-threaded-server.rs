//! `tcp-threaded-server`: serve many clients at once, one thread each.

use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, Reply, ReplyArgs};
use server_extras::{Output, ServerArgs};
use tcp_threaded::server::{self, Options};
use tcp_threaded::DEFAULT_PORT;

/// Lesson 4 server: several clients at once, one thread each (seed 000, case 2).
///
/// Replies are typed at stdin (each prompt names the client it answers),
/// or given with --reply / --echo. With typed replies, the end of input
/// closes every client and stops the server.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    reply: ReplyArgs,
    #[command(flatten)]
    server: ServerArgs,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let listener = server::bind(&cli.endpoint.host, cli.endpoint.port)?;
    let out = Output::stdout();
    // The first line names the real address, so `--port 0` can be used.
    out.line(format!("listening on {}", listener.local_addr()?));
    let options = Options {
        reply: Reply::from(&cli.reply),
        max_clients: cli.server.max_clients,
        quiet: cli.server.quiet,
        stack_size: server::STACK_SIZE,
    };
    let typed = common::input::from_args_or_stdin(&[]);
    server::serve(&listener, options, typed, out)
}
