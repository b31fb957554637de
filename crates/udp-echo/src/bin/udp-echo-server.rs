//! `udp-echo-server`: receive datagrams forever, answer each one.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, Parser};
use common::Endpoint;
use udp_echo::server::{self, Answer};
use udp_echo::DEFAULT_PORT;

/// Lesson 5 server: receive UDP datagrams forever, answer each sender (seed 002).
///
/// Prints the sender and text of every datagram (unless --quiet), then
/// answers with the datagram itself (default), with --reply TEXT (seed 002
/// answers `hello`), or not at all with --silent (seed 001's server). Stop it
/// with Ctrl-C.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    endpoint: Endpoint<DEFAULT_PORT>,
    #[command(flatten)]
    answer: AnswerArgs,
    /// Print no line per datagram (for benchmarks); the listening line and
    /// problems are still printed.
    #[arg(long)]
    quiet: bool,
}

/// At most one of these; none means `--echo`.
#[derive(Args)]
#[group(multiple = false)]
struct AnswerArgs {
    /// Answer each datagram with the datagram itself (the default).
    #[arg(long)]
    echo: bool,
    /// Answer every datagram with TEXT (seed 002 answers `hello`).
    #[arg(long, value_name = "TEXT")]
    reply: Option<String>,
    /// Do not answer at all (seed 001's server).
    #[arg(long)]
    silent: bool,
}

fn main() -> ExitCode {
    common::logging::init();
    let cli = Cli::parse();
    common::exit(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let answer = match (&cli.answer.reply, cli.answer.silent) {
        (Some(text), _) => Answer::Fixed(text.clone()),
        (None, true) => Answer::Silent,
        (None, false) => Answer::Echo,
    };
    let socket = server::bind(&cli.endpoint.host, cli.endpoint.port)?;
    let mut out = io::stdout();
    // The first line names the real address, so `--port 0` can be used.
    writeln!(out, "listening on {}", socket.local_addr()?)?;
    server::serve(&socket, &answer, cli.quiet, &mut out)
}
