//! Lesson 4, tcp-threaded: several clients at once, one thread each.
//!
//! Ported from seed 000's second case (`python/server.py` and
//! `python/client.py` are the Python, step for step). Python's
//! `socketserver.ThreadingTCPServer` accepts clients forever and runs a
//! handler for each one on a thread of its own; the Rust does the same with
//! `TcpListener::accept` and `thread::spawn`, in plain sight. Read these
//! first, in the Python's order:
//!
//! - [`server`]: step 1, bind and listen; step 2, `serve_forever()`:
//!   accept, take a place or refuse, one thread per client;
//! - [`handler`]: step 3, what each client's thread does (Python's
//!   `handle()`): read a message, print it, answer, repeat, close;
//! - [`client`]: the client, which puts `老王:` in front of every message.
//!
//! The smallest working version, without any extra, is exercise 05's
//! solution (`solutions/05-tcp-threaded-server/src/lib.rs`, about 60
//! lines): read it to see the core before the extras.
//!
//! Added to the tutorial, and why: [`extras`] (the reply desk, so a typed
//! answer reaches the client it was typed for; stopping when typed input
//! ends), and, shared with lessons 7 and 8, the `server-extras` crate (the
//! client cap, the lines printed per client, whole-line output). The
//! binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod extras;
pub mod handler;
pub mod server;

pub use server_extras::{clients_text, BUSY};

/// The tutorial's port.
pub const DEFAULT_PORT: u16 = 9998;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-threaded-server";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per message.
pub const BUF_SIZE: usize = 1024;

/// The name the tutorial's client puts in front of every message.
pub const DEFAULT_NAME: &str = "老王";
