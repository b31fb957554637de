//! `udp-chat-server`: one contact's server; answers every message it gets.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use common::{Endpoint, Reply, ReplyArgs};
use udp_chat::{server, DEFAULT_PORT};

/// Lesson 6 server: one contact of the UDP chat (seed 002's "udp聊天器").
///
/// Prints `from [ip:port]: text` for every message and answers its sender
/// with a line typed at the prompt (or --reply TEXT / --echo). The end of
/// input while an answer is awaited stops the server. Start one per contact:
/// --port 8081 (张三, the default), 8082 (李四), 8083 (王五), 8084 (赵六).
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    reply: ReplyArgs,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let socket = server::bind(&cli.endpoint.host, cli.endpoint.port)?;
    let mut out = io::stdout();
    // The first line names the real address, so `--port 0` can be used.
    writeln!(out, "listening on {}", socket.local_addr()?)?;
    let mut typed = common::input::from_args_or_stdin(&[]);
    server::serve(&socket, &Reply::from(&cli.reply), &mut typed, &mut out)
}
