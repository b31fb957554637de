//! The line every server prints first: `listening on HOST:PORT`.

use std::net::{SocketAddr, ToSocketAddrs};

/// Parses `listening on HOST:PORT` (anything after the address is ignored).
/// IPv6 addresses come bracketed, `listening on [::1]:9000`.
pub fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    let rest = line.trim().strip_prefix("listening on ")?;
    let addr = rest.split_whitespace().next()?;
    // Only literal addresses: a server names the address it bound, and a
    // name lookup here could block.
    addr.parse().ok().or_else(|| {
        // `localhost:PORT` is the one name worth accepting.
        let port = addr.strip_prefix("localhost:")?;
        ("127.0.0.1", port.parse::<u16>().ok()?)
            .to_socket_addrs()
            .ok()?
            .next()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4() {
        let addr = parse_listening_line("listening on 127.0.0.1:9998\n").unwrap();
        assert_eq!(addr.to_string(), "127.0.0.1:9998");
    }

    #[test]
    fn ipv6_is_bracketed() {
        let addr = parse_listening_line("listening on [::1]:9000").unwrap();
        assert_eq!(addr.to_string(), "[::1]:9000");
    }

    #[test]
    fn trailing_words_are_ignored() {
        let addr = parse_listening_line("listening on 127.0.0.1:4000 (echo)").unwrap();
        assert_eq!(addr.port(), 4000);
    }

    #[test]
    fn localhost_is_loopback() {
        let addr = parse_listening_line("listening on localhost:5000").unwrap();
        assert_eq!(addr.to_string(), "127.0.0.1:5000");
    }

    #[test]
    fn other_lines_are_rejected() {
        for line in [
            "",
            "listening on",
            "listening on 127.0.0.1",
            "listening on 127.0.0.1:99999",
            "Listening on 127.0.0.1:80",
            "serving on 127.0.0.1:80",
            "listening on example.com:80",
        ] {
            assert_eq!(parse_listening_line(line), None, "{line:?}");
        }
    }
}
