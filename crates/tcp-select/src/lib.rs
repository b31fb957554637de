//! Lesson 7, tcp-select: many clients, ONE thread, non-blocking sockets.
//!
//! Lesson 4 served every client on a thread of its own, and each thread sat
//! blocked in `read` until its client spoke. Here nothing ever blocks: every
//! socket is non-blocking, and one loop asks the operating system which
//! sockets are ready (`mio::Poll`: epoll on Linux, kqueue on macOS, IOCP on
//! Windows), then does only what can be done at once. Python does the same
//! with `selectors` (`python/server.py`, `python/client.py`, step for step).
//!
//! - [`server`]: step 1, the listening socket (socket2, for the backlog);
//!   steps 2-4, the event loop and accepting;
//! - [`connection`]: steps 5-7, one client's reads, writes and close, and
//!   which events to ask for;
//! - [`outbox`]: answers waiting to be sent, and the cap that stops a
//!   client that never reads from filling the server's memory;
//! - [`client`]: N connections driven by one thread and one poll loop;
//!   [`conversation`] is one connection's progress through its messages.
//!
//! The binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod connection;
pub mod conversation;
pub mod outbox;
pub mod server;

/// This lesson's port (lesson 4 used 9998, lesson 8 uses 9996).
pub const DEFAULT_PORT: u16 = 9997;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run tcp-select-server";

/// The tutorials read with `recv(1024)`: at most 1024 bytes per message.
pub const BUF_SIZE: usize = 1024;

/// The name lesson 4's client puts in front of every message.
pub const DEFAULT_NAME: &str = "老王";
