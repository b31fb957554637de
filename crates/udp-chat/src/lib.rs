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
//! comments; [`contacts`] is the address book. The binaries in `src/bin/`
//! only parse arguments.

use std::time::Duration;

pub mod client;
pub mod contacts;
pub mod server;

/// The tutorial's first server port (张三); the others use 8082-8084.
pub const DEFAULT_PORT: u16 = 8081;

/// What the client tells a learner to run when a contact does not answer.
pub const START_SERVER: &str = "just run udp-chat-server";

/// The largest payload of one IPv4 UDP datagram. The tutorial's
/// `recvfrom(1024)` would silently cut longer messages (see lesson 5).
pub const MAX_DATAGRAM: usize = 65_507;

/// How long the client waits for an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: &str = "2";

/// Parses `--timeout SECS` (fractions allowed, e.g. `0.3`); zero is refused,
/// as std treats a zero read timeout as an error.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (e.g. 2 or 0.5)"))?;
    if secs.is_nan() || secs <= 0.0 {
        return Err("the timeout must be more than 0 seconds".into());
    }
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{text} seconds is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("0.3"), Ok(Duration::from_millis(300)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("later").unwrap_err().contains("not a number"));
    }
}
