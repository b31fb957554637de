//! Lesson 2, tcp-loop: many messages on one connection.
//!
//! Ported from seed 002's "tcp改进示例" (`python/server.py` and
//! `python/client.py` are the Python, step for step). Lesson 1 hung up after
//! one message; here both sides loop:
//!
//! - the server accepts clients forever, one after another, and talks with
//!   each until it leaves: read a message, print it, answer it, repeat. A
//!   read of zero bytes means the client closed, so the server closes too and
//!   accepts the next one;
//! - the client sends line after line and prints each answer, until `quit`.
//!
//! The steps live in [`server`] and [`client`], numbered like the Python's
//! comments. The binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod server;

/// The tutorial's port.
pub const DEFAULT_PORT: u16 = 8081;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-loop-server";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per read.
pub const BUF_SIZE: usize = 1024;

/// The line a client types to end the conversation.
pub const QUIT: &str = "quit";
