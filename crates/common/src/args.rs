//! Command-line arguments every lesson binary shares.
//!
//! The lesson binaries differ only in their default port, so the port is a
//! const generic: `Endpoint<9999>` is "`--host`, and `--port` defaulting to
//! 9999", and `--help` shows the right default for each program.

use clap::Args;

/// The host every lesson uses unless told otherwise. Loopback, not `0.0.0.0`:
/// a toy server should not be reachable from the whole network by default.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// `--host` and `--port`: where a server listens, or where a client connects.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct Endpoint<const PORT: u16> {
    /// Host name or IP address (servers: the address to listen on).
    #[arg(long, default_value = DEFAULT_HOST)]
    pub host: String,

    /// Port number; a server given 0 lets the system pick a free one.
    #[arg(long, default_value_t = PORT)]
    pub port: u16,
}

impl<const PORT: u16> Endpoint<PORT> {
    /// `host:port` as a person would type it (IPv6 hosts get brackets).
    pub fn display(&self) -> String {
        host_port(&self.host, self.port)
    }

    /// The pair std's `bind`/`connect`/`send_to` accept; std resolves names.
    pub fn pair(&self) -> (&str, u16) {
        (self.host.as_str(), self.port)
    }
}

/// Formats `host:port`, bracketing an IPv6 literal so it can be parsed back.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `--reply TEXT` / `--echo`: how a server answers when nobody types.
///
/// Without either, the server reads each answer from stdin, as the Python's
/// `input()` does.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyArgs {
    /// Answer every message with TEXT instead of asking at the terminal.
    // Not empty: writing zero bytes sends nothing over TCP, and the client
    // would wait for an answer for ever.
    #[arg(long, value_name = "TEXT", conflicts_with = "echo",
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub reply: Option<String>,

    /// Answer every message with the message itself.
    #[arg(long)]
    pub echo: bool,
}

/// `--message TEXT` (repeatable): what a client sends when nobody types.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageArgs {
    /// Send TEXT instead of reading lines from stdin (repeat for several
    /// messages); the client finishes after the last one.
    #[arg(long = "message", short = 'm', value_name = "TEXT")]
    pub messages: Vec<String>,
}

/// Parses a duration given in seconds, such as `--timeout 2` or `0.3`
/// (a clap `value_parser`). Zero is refused: std treats a zero read timeout
/// as an error rather than "no wait".
pub fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (e.g. 2 or 0.5)"))?;
    if secs.is_nan() || secs <= 0.0 {
        return Err("the timeout must be more than 0 seconds".into());
    }
    std::time::Duration::try_from_secs_f64(secs).map_err(|_| format!("{text} seconds is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        endpoint: Endpoint<9999>,
        #[command(flatten)]
        reply: ReplyArgs,
        #[command(flatten)]
        messages: MessageArgs,
    }

    #[test]
    fn port_default_comes_from_the_const_parameter() {
        let cli = Cli::try_parse_from(["x"]).expect("no arguments is valid");
        assert_eq!(cli.endpoint.port, 9999);
        assert_eq!(cli.endpoint.host, "127.0.0.1");
        assert_eq!(cli.endpoint.display(), "127.0.0.1:9999");
    }

    #[test]
    fn invalid_port_is_rejected_by_clap() {
        let err = Cli::try_parse_from(["x", "--port", "70000"]).unwrap_err();
        assert!(err.to_string().contains("70000"), "{err}");
        let err = Cli::try_parse_from(["x", "--port", "abc"]).unwrap_err();
        assert!(err.to_string().contains("--port"), "{err}");
    }

    #[test]
    fn reply_and_echo_conflict() {
        assert!(Cli::try_parse_from(["x", "--reply", "hi", "--echo"]).is_err());
    }

    #[test]
    fn empty_reply_is_rejected() {
        let err = Cli::try_parse_from(["x", "--reply", ""]).unwrap_err();
        assert!(err.to_string().contains("--reply"), "{err}");
    }

    #[test]
    fn messages_repeat() {
        let cli = Cli::try_parse_from(["x", "--message", "a", "-m", "b"]).expect("valid");
        assert_eq!(cli.messages.messages, ["a", "b"]);
    }

    #[test]
    fn seconds() {
        use std::time::Duration;
        assert_eq!(parse_seconds("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_seconds("0.3"), Ok(Duration::from_millis(300)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("soon").unwrap_err().contains("not a number"));
        assert!(parse_seconds("1e30").is_err());
    }

    #[test]
    fn ipv6_hosts_are_bracketed() {
        assert_eq!(host_port("::1", 80), "[::1]:80");
        assert_eq!(host_port("localhost", 80), "localhost:80");
    }
}
