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
