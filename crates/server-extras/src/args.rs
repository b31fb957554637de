//! Arguments every many-client server shares (flatten them into a clap
//! `Parser` with `#[command(flatten)]`).

use std::num::{NonZeroU32, NonZeroUsize};

use clap::Args;

/// `--max-clients N` and `--quiet`.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerArgs {
    /// Serve at most N clients at once; one more is told "server busy" and
    /// closed.
    #[arg(long, value_name = "N")]
    pub max_clients: Option<NonZeroUsize>,
    /// Print no line per message nor per client arriving or leaving (for
    /// benchmarks); refusals and failures are still printed.
    #[arg(long)]
    pub quiet: bool,
}

/// `--backlog N`: the listen backlog, for servers whose listener is made
/// with a library that lets them choose it (std's `TcpListener::bind` does
/// not).
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct BacklogArg {
    /// Let at most N connections wait, handshake done, for accept (the
    /// kernel lowers a larger N to its own limit, net.core.somaxconn on
    /// Linux). Without it, the listening library's default is used.
    #[arg(long, value_name = "N")]
    pub backlog: Option<NonZeroU32>,
}

/// The flags lessons 7 and 8's clients share: how many connections, the
/// name in front of every message, and how long to wait for the server.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct ClientsArgs {
    /// How many connections to open, all driven from one thread.
    #[arg(long, value_name = "N", default_value = "1")]
    pub clients: NonZeroUsize,
    /// The name put in front of every message, as in `老王:你好`.
    #[arg(long, default_value = "老王")]
    pub name: String,
    /// Seconds to wait for the server (to connect, or to answer) before
    /// giving up.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = common::args::parse_seconds)]
    pub timeout: std::time::Duration,
}

/// The lines every connection of a many-connection client sends, read
/// from `input` before any connection opens: up to `exit` or the end of
/// input. At a terminal, says first what to type.
pub fn read_script(
    input: &mut impl std::io::BufRead,
    at_terminal: bool,
) -> anyhow::Result<Vec<String>> {
    if at_terminal {
        eprintln!("type the messages, one per line, then Ctrl-D (Ctrl-Z on Windows)");
    }
    let mut lines = Vec::new();
    while let Some(line) = common::input::read_line(input)? {
        if line == "exit" {
            break;
        }
        lines.push(line);
    }
    Ok(lines)
}
