//! 10,000 connections at once, in a test binary of its own: it measures
//! time, so it runs alone rather than beside the other end-to-end tests.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};
use testkit::Proc;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-select-server");

/// The most file descriptors this process may open (Linux), if known.
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// 10,000 connections fired at once are all accepted within a second of
/// the last one with the default backlog (with a small one, many wait for
/// a retransmitted handshake, a second or more). Fewer where the open-files
/// limit is lower.
#[test]
fn a_storm_of_connections_is_accepted_within_a_second() {
    let limit = open_files_limit().unwrap_or(1024);
    let count = 10_000.min(limit.saturating_sub(200));
    if count < 1000 {
        eprintln!("skipped: the open-files limit ({limit}) is too low for a storm");
        return;
    }
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let addr = server.listening_addr();
    let started = Instant::now();
    let mut sockets = Vec::with_capacity(count);
    for _ in 0..count {
        // Non-blocking connect: all the handshakes are under way at once.
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        socket.set_nonblocking(true).unwrap();
        match socket.connect(&addr.into()) {
            Ok(()) => {}
            // EINPROGRESS (Linux 115, macOS 36): the handshake goes on.
            Err(e) if matches!(e.raw_os_error(), Some(115 | 36)) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => panic!("connect: {e}"),
        }
        sockets.push(socket);
    }
    // On a busy machine firing them can take a while itself; what the
    // backlog decides is how long the server needs after that.
    let fired = started.elapsed();
    // Look at what the server printed every few milliseconds (waiting on
    // each chunk of 10,000 lines would cost the test more than the server).
    let last = format!("({count} clients now)");
    while !server.stdout_so_far().contains(&last) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not all {count} connections were accepted within 10 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let after = started.elapsed() - fired;
    eprintln!("{count} connections fired in {fired:?}, all accepted {after:?} later");
    assert!(
        after < Duration::from_secs(1),
        "{count} connections fired in {fired:?} took {after:?} more to be accepted"
    );
}
