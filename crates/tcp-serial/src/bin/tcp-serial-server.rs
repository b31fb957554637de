//! `tcp-serial-server`: serve clients one at a time, each until it closes.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use common::{Encoding, Endpoint};
use tcp_serial::server::{self, Answer, Options};
use tcp_serial::{DEFAULT_PORT, DEFAULT_REPLY};

/// Lesson 3 server: accept a client, answer its every message until it
/// closes, then accept the next; one client at a time (seed 004, 1.3.1-1.3.2).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,

    /// Answer every message with TEXT.
    // Not empty: zero bytes send nothing, and the client would wait for ever.
    #[arg(long, value_name = "TEXT", default_value = DEFAULT_REPLY, conflicts_with = "echo",
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    reply: String,

    /// Answer every message with the message itself.
    #[arg(long)]
    echo: bool,

    /// One message per client, then close the connection (seed 004, 1.3.1).
    #[arg(long)]
    once: bool,

    /// Encoding of the text on the wire (seed 004's Python uses gbk).
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,

    /// Do not print each message, only clients arriving and leaving.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let listener = server::bind(&cli.endpoint.host, cli.endpoint.port)?;
    let mut out = io::stdout();
    // The first line names the real address, so `--port 0` can be used.
    writeln!(out, "listening on {}", listener.local_addr()?)?;
    let options = Options {
        answer: if cli.echo {
            Answer::Echo
        } else {
            Answer::Fixed(cli.reply)
        },
        once: cli.once,
        encoding: cli.encoding,
        quiet: cli.quiet,
    };
    server::serve_forever(&listener, &options, &mut out)
}
