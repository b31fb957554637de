//! Lesson 8, tcp-async: many clients on one thread, with async/await.
//!
//! The same server as lesson 7 (echo by default, `--reply`, `--max-clients`,
//! `--quiet`, `--backlog`), written the way most Rust network programs are:
//! with `tokio`. Each client is a *task*, a piece of code that reads like
//! lesson 4's thread (read, answer, repeat) but costs only its saved state
//! (little more than its 1024-byte buffer) instead of a thread and a stack. Every task runs on ONE thread: at
//! each `.await` that cannot go on yet (no bytes to read, no room to
//! write), the task hands the thread back to the runtime, which runs
//! whichever task can. Lesson 7 wrote that loop by hand with `mio`; here
//! tokio's runtime is the loop.
//!
//! The Python counterparts use `asyncio` streams: `python/server.py` and
//! `python/client.py`, step for step.
//!
//! - [`server`]: bind with a chosen backlog, accept until Ctrl-C or
//!   SIGTERM, one task per client, then a graceful stop;
//! - [`client`]: one task per connection, each sending every message;
//! - [`stop`]: Ctrl-C and SIGTERM as a future the accept loop can wait on;
//! - [`messages`]: what the client sends; typed lines are read without
//!   blocking the runtime.
//!
//! The binaries in `src/bin/` parse arguments and start the runtime.

pub mod client;
pub mod handler;
pub mod messages;
pub mod server;
pub mod stop;

/// This lesson's port (lesson 4 has 9998, lesson 7 9997).
pub const DEFAULT_PORT: u16 = 9996;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-async-server";

/// The name the client puts in front of every message, as lesson 4's
/// tutorial client does (`老王:你好`): lessons 4, 7 and 8 speak one format.
pub const DEFAULT_NAME: &str = "老王";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per read.
pub const BUF_SIZE: usize = 1024;

/// The listen backlog unless `--backlog` says otherwise: how many
/// connections whose handshake is done may wait for `accept()`. 10,000
/// connects fired at once (tests/storm.rs) lost none with 4096; with 128
/// (std's and tokio's `bind`) Linux dropped thousands of handshakes, and
/// each of those clients waited a second or more for a retry. Linux caps
/// any value at `net.core.somaxconn` (4096 since 5.4), macOS at
/// `kern.ipc.somaxconn` (128).
pub const DEFAULT_BACKLOG: u32 = 4096;

// ANCHOR: runtime
/// The runtime every task runs on: `current_thread`, so the whole server
/// is ONE thread, like lesson 7's event loop and Python's asyncio.
/// `enable_all` turns on the I/O reactor (epoll, kqueue or IOCP) and timers.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
// ANCHOR_END: runtime
