//! Turning an `io::Error` into one line a learner can act on.
//!
//! `Connection refused (os error 111)` is true but not helpful. The functions
//! here wrap the error of a failed socket call with what was being attempted
//! and what to try next, e.g.
//! `cannot connect to 127.0.0.1:9999: connection refused; is the server
//! running? start it with: just run tcp-echo-server`.
//!
//! Binaries end with [`exit`], which prints the whole chain on ONE line of
//! stderr and returns a non-zero exit code: no panic, no backtrace.

use std::fmt::Display;
use std::io;
use std::process::ExitCode;

/// A short, lower-case description of what went wrong, without the
/// `(os error N)` noise. Kinds a learner can cause get plain words.
pub fn explain(err: &io::Error) -> String {
    use io::ErrorKind::*;
    match err.kind() {
        ConnectionRefused => "connection refused".into(),
        ConnectionReset => "the connection was reset by the other side".into(),
        ConnectionAborted => "the connection was aborted".into(),
        BrokenPipe => "the other side has closed the connection".into(),
        AddrInUse => "the address is already in use".into(),
        AddrNotAvailable => "that address does not belong to this machine".into(),
        PermissionDenied => "permission denied".into(),
        TimedOut | WouldBlock => "timed out".into(),
        UnexpectedEof => "the other side closed the connection".into(),
        _ if is_unknown_host(err) => "unknown host (the name does not resolve)".into(),
        _ => strip_os_error(&err.to_string()),
    }
}

/// True for errors that mean "the peer went away": a server reports these
/// for that one client and carries on serving the others.
pub fn is_disconnect(err: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        err.kind(),
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof | NotConnected
    )
}

/// Name resolution fails with an uncategorised error whose text comes from
/// `getaddrinfo`; std offers no stable kind to match on.
pub fn is_unknown_host(err: &io::Error) -> bool {
    let text = err.to_string();
    text.contains("lookup address") || text.contains("Name or service not known")
}

/// The error of a failed `bind` on `addr`, with advice.
pub fn bind(err: io::Error, addr: impl Display) -> anyhow::Error {
    use io::ErrorKind::*;
    let hint = match err.kind() {
        AddrInUse => "; another program (maybe another copy of this server) \
                      is using that port: stop it, or choose another with --port \
                      (--port 0 lets the system pick a free one)"
            .to_string(),
        PermissionDenied => "; ports below 1024 are reserved for the system: \
                             use a port above 1024"
            .to_string(),
        AddrNotAvailable => "; use 127.0.0.1 (this machine only) or an address \
                             this machine has"
            .to_string(),
        _ if is_unknown_host(&err) => "; check --host, or use 127.0.0.1".to_string(),
        _ => String::new(),
    };
    anyhow::anyhow!("cannot listen on {addr}: {}{hint}", explain(&err))
}

/// The error of a failed `connect` to `addr`. `start_server` is the command
/// that starts the matching server, e.g. `just run tcp-echo-server`.
pub fn connect(err: io::Error, addr: impl Display, start_server: &str) -> anyhow::Error {
    use io::ErrorKind::*;
    let hint = match err.kind() {
        ConnectionRefused => {
            format!("; is the server running? start it with: {start_server}")
        }
        TimedOut => "; is the host reachable and the port right?".to_string(),
        _ if is_unknown_host(&err) => "; check --host, or use 127.0.0.1".to_string(),
        _ => String::new(),
    };
    anyhow::anyhow!("cannot connect to {addr}: {}{hint}", explain(&err))
}

/// The error of a failed read or write on a conversation with `peer`.
pub fn conversation(err: io::Error, doing: &str, peer: impl Display) -> anyhow::Error {
    anyhow::anyhow!("{doing} {peer} failed: {}", explain(&err))
}

/// The end of every binary's `main`: `Ok` is exit code 0; an error is
/// printed as ONE line, `error: what failed: why; what to try`, exit code 1.
pub fn exit(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` joins anyhow's context chain with ": ". Newlines inside a
            // message would break the one-line promise, so they are flattened.
            let line = format!("{err:#}").replace(['\n', '\r'], " ");
            eprintln!("error: {line}");
            ExitCode::FAILURE
        }
    }
}

fn strip_os_error(text: &str) -> String {
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text.to_string(),
    }
    .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use io::ErrorKind;

    #[test]
    fn connect_refused_says_how_to_start_the_server() {
        let err = connect(
            ErrorKind::ConnectionRefused.into(),
            "127.0.0.1:9999",
            "just run tcp-echo-server",
        );
        assert_eq!(
            err.to_string(),
            "cannot connect to 127.0.0.1:9999: connection refused; is the server \
             running? start it with: just run tcp-echo-server"
        );
    }

    #[test]
    fn port_in_use_suggests_another_port() {
        let msg = bind(ErrorKind::AddrInUse.into(), "127.0.0.1:9999").to_string();
        assert!(msg.starts_with("cannot listen on 127.0.0.1:9999: the address is already in use"));
        assert!(msg.contains("--port"), "{msg}");
    }

    #[test]
    fn unknown_host_is_recognised() {
        let err =
            io::Error::other("failed to lookup address information: Name or service not known");
        assert!(is_unknown_host(&err));
        let msg = connect(err, "nosuch.invalid:1", "x").to_string();
        assert!(msg.contains("unknown host"), "{msg}");
    }

    #[test]
    fn os_error_numbers_are_dropped() {
        let err = io::Error::from_raw_os_error(22); // EINVAL
        assert!(!explain(&err).contains("os error"), "{}", explain(&err));
    }

    #[test]
    fn disconnects() {
        assert!(is_disconnect(&ErrorKind::ConnectionReset.into()));
        assert!(is_disconnect(&ErrorKind::BrokenPipe.into()));
        assert!(!is_disconnect(&ErrorKind::AddrInUse.into()));
    }
}
