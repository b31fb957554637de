//! Lesson 1, tcp-echo: one connection, one message each way.
//!
//! The smallest complete TCP conversation, ported from seed 000's first case
//! (`python/server.py` and `python/client.py` are the Python, step for step):
//!
//! - the server binds, listens, accepts ONE client, reads one message,
//!   answers it, closes, and exits;
//! - the client connects, sends one message, prints the answer, closes.
//!
//! The steps live in [`server`] and [`client`], each numbered like the
//! Python's comments. The binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod server;

/// The tutorial's port.
pub const DEFAULT_PORT: u16 = 9999;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-echo-server";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per message.
pub const BUF_SIZE: usize = 1024;
