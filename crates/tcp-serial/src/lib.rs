//! Lesson 3, tcp-serial: several clients, served one at a time.
//!
//! Ported from seed 004, sections 1.3.1 and 1.3.2 (`python/server_once.py`,
//! `python/server.py` and `python/client.py` are the Python, step for step):
//!
//! - the server loops: it says it is waiting, accepts a client, answers
//!   every message it sends with `收到您的信息~` until the client closes,
//!   says it is done, and only then accepts the next client. A second client
//!   can connect meanwhile (the kernel queues it), but nobody reads what it
//!   sends until the first one has gone: it waits. `--once` is section
//!   1.3.1: one message per client, then close;
//! - the client sends line after line and prints each answer, as lesson 2's.
//!
//! Seed 004's Python speaks GBK; `--encoding gbk` makes both Rust programs
//! speak it too, so they work with that Python unchanged.
//!
//! The steps live in [`server`] and [`client`], numbered like the Python's
//! comments. The binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod server;

/// The tutorial's port (seed 004 sections 1.3 and 1.3.1).
pub const DEFAULT_PORT: u16 = 7890;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-serial-server";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per read.
pub const BUF_SIZE: usize = 1024;

/// The line a client types to end the conversation.
pub const QUIT: &str = "quit";

/// The server's answer to every message, unless told otherwise (seed 004
/// section 1.3.2: "your message was received~").
pub const DEFAULT_REPLY: &str = "收到您的信息~";
