//! Lesson 5, udp-echo: datagrams, no connection.
//!
//! UDP has no `listen`, no `accept` and no connection: a server binds a port
//! and receives whole datagrams, each with the address of whoever sent it; a
//! client addresses every datagram it sends. Ported from seed 002's "udp简单示例"
//! (port 9000, the server answers `hello`) and seed 001's UDP pair (port
//! 10000, no answer at all); `python/` holds both, step for step.
//!
//! - the server loops forever: receive a datagram, print its sender and its
//!   text, answer the sender (`--echo`, the default; `--reply TEXT`; or
//!   `--silent`, like 001's server);
//! - the client sends each typed line and waits for the answer, but only
//!   for `--timeout` seconds: a datagram can be lost, and nobody tells the
//!   sender. `--no-reply` sends without waiting, like 001's client.
//!
//! The steps live in [`server`] and [`client`], numbered like the Python's
//! comments; [`waiting`] is the client's wait for an answer that UDP may
//! lose, duplicate or delay. The binaries in `src/bin/` only parse arguments.

pub mod client;
pub mod server;
pub mod waiting;

/// The tutorial's port (seed 002; seed 001's pair uses 10000).
pub const DEFAULT_PORT: u16 = 9000;

/// What a client tells a learner to run when no server answers.
pub const START_SERVER: &str = "just run udp-echo-server";

/// The largest payload one IPv4 UDP datagram can carry: 65535 bytes of IP
/// packet, minus 20 bytes of IP header and 8 bytes of UDP header.
///
/// The tutorials call `recvfrom(1024)`. For TCP a short buffer only means
/// more reads; for UDP it loses data: each `recvfrom` takes ONE datagram,
/// and the part that does not fit in the buffer is thrown away, silently
/// (Python gets the first 1024 bytes and no error). A buffer this size holds
/// any datagram whole.
pub const MAX_DATAGRAM: usize = 65_507;

/// How long a client waits for an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: &str = "2";
