//! What the many-client servers add to their tutorials, in one place.
//!
//! Lessons 4 (one thread per client), 7 (one thread, a `mio` event loop)
//! and 8 (one `tokio` task per client) port three Python servers that serve
//! many clients at once. The Python starts a thread, a handler or a task for
//! every client that comes and prints freely. The Rust servers add the same
//! few things to each tutorial, and they live here once instead of three
//! times:
//!
//! - [`cap`]: `--max-clients N`, the client cap. A client over the cap is
//!   told why ([`BUSY`]) and closed, instead of costing the server one more
//!   thread, buffer or task without limit.
//! - [`lines`]: the words the servers print about their clients
//!   (`ADDR connected (2 clients now)`, `ADDR reset the connection ...`),
//!   and [`Goodbye`], how a conversation ended.
//! - [`output`]: printing whole lines from many threads or tasks, without
//!   gluing them onto an open prompt.
//! - [`args`]: `--max-clients`, `--quiet` and `--backlog`, the same for
//!   every server; `--clients`, `--name` and `--timeout` for lessons 7
//!   and 8's clients, and reading the lines they all send.
//!
//! No socket call lives here. Accepting, reading, writing and closing stay
//! in the lesson crates, where a learner reads them next to the Python; this
//! crate only counts, words and prints. Nothing here needs a
//! `std::net::TcpStream`, so a `mio` loop and `tokio` tasks use it as the
//! threaded server does.

pub mod args;
pub mod cap;
pub mod lines;
pub mod output;

pub use args::{read_script, BacklogArg, ClientsArgs, ServerArgs};
pub use cap::{Cap, Full, Place};
pub use lines::{clients_text, Goodbye};
pub use output::Output;

/// How the refusal of a client over the cap starts, so a client can tell a
/// refusal from an ordinary reply.
pub const BUSY: &str = "server busy:";
