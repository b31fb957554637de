//! Lesson 6, udp-chat: the "QQ" chat.
//!
//! One UDP socket talks to several servers: every datagram names its
//! destination, so the client needs no connection per contact, only an
//! address book. Ported from seed 002's "udp聊天器示例" (servers on ports
//! 8081-8084) and seed 001's QQ chat exercise; `python/` holds the Python,
//! step for step.
//!
//! - the server loops: receive a datagram, print `from [ip:port]: text`,
//!   answer the sender (typed at the server, like the tutorial's `input()`,
//!   or `--reply TEXT` / `--echo`); start one per contact with `--port`;
//! - the client asks whom to talk to, then sends each line to that contact
//!   and prints the answer with who sent it. A contact whose server is not
//!   running never answers: that is reported after `--timeout` and the chat
//!   goes on.
//!
//! The steps live in [`server`] and [`client`], numbered like the Python's
//! comments; [`contacts`] is the address book; [`waiting`] is the client's
//! wait for an answer that UDP may lose, duplicate or delay. The binaries in `src/bin/`
//! only parse arguments.

pub mod client;
pub mod contacts;
pub mod server;
pub mod waiting;

/// The tutorial's first server port (张三); the others use 8082-8084.
pub const DEFAULT_PORT: u16 = 8081;

/// What the client tells a learner to run when a contact does not answer.
pub const START_SERVER: &str = "just run udp-chat-server";

/// The largest payload of one IPv4 UDP datagram. The tutorial's
/// `recvfrom(1024)` would silently cut longer messages (see lesson 5).
pub const MAX_DATAGRAM: usize = 65_507;

/// How long the client waits for an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: &str = "2";
