//! Added to the tutorial, and why.
//!
//! The Python's `ThreadingTCPServer` starts a thread for every client that
//! comes, lets every thread call `input()`, and stops only when killed.
//! The lesson's steps (`server.rs`, `handler.rs`, `client.rs`) port that;
//! these modules are what the Rust server adds, each for a reason:
//!
//! - [`reply_desk`]: the ONE thread that reads typed replies, so an answer
//!   can never reach the wrong client (the Python's `input()` on every
//!   thread gets this wrong);
//! - [`stop`]: waking the accept loop when typed input ends, so the server
//!   can stop instead of running on with nobody to type;
//! - [`connections`]: the open connections, so that stopping can shut them
//!   all down and wake every client thread.
//!
//! The extras lessons 7 and 8 need as well live in the `server-extras`
//! crate, once: the client cap (`--max-clients`, [`server_extras::Cap`]),
//! the lines printed about each client ([`server_extras::lines`]) and
//! whole-line printing from many threads ([`server_extras::Output`]).

pub mod connections;
pub mod reply_desk;
pub mod stop;
