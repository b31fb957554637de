//! Lesson 4, tcp-threaded: several clients at once, one thread each.
//!
//! Ported from seed 000's second case (`python/server.py` and
//! `python/client.py` are the Python, step for step). Python's
//! `socketserver.ThreadingTCPServer` accepts clients forever and runs a
//! handler for each one on a thread of its own; the Rust does the same with
//! `TcpListener::accept` and `thread::spawn`, in plain sight:
//!
//! - [`server`]: bind, listen, accept forever, one thread per client, and
//!   `--max-clients` refusing the client one over the cap;
//! - [`handler`]: what each client's thread does (Python's `handle()`):
//!   read a message, print it with the client's address, answer, repeat;
//! - [`reply_desk`]: the one thread that reads typed replies, so an answer
//!   can never reach the wrong client (Python's `input()` on every thread
//!   gets this wrong);
//! - [`clients`]: who is connected, for the cap and for closing everyone;
//! - [`stop`]: waking the accept loop when typed input ends;
//! - [`output`]: printing whole lines from many threads;
//! - [`client`]: the client, which prefixes every message with `老王:`.
//!
//! The binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod clients;
pub mod handler;
pub mod output;
pub mod reply_desk;
pub mod server;
pub mod stop;

/// The tutorial's port.
pub const DEFAULT_PORT: u16 = 9998;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-threaded-server";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per message.
pub const BUF_SIZE: usize = 1024;

/// The name the tutorial's client puts in front of every message.
pub const DEFAULT_NAME: &str = "老王";

/// How the server's refusal starts (`--max-clients`), so the Rust client can
/// tell a refusal from an ordinary reply.
pub const BUSY: &str = "server busy:";

/// `1 client`, `2 clients`.
pub fn clients_text(n: usize) -> String {
    if n == 1 {
        "1 client".to_string()
    } else {
        format!("{n} clients")
    }
}
