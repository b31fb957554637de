#![cfg(target_os = "linux")]
//! A storm of connections: 10,000 clients connecting at the same instant
//! all get through the default listen backlog. In a file of its own, so
//! that no other test of this crate runs meanwhile. Linux only: it reads
//! the kernel's counters in /proc.

use std::time::Duration;
use std::time::Instant;

use testkit::Proc;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-async-server");

/// Linux's count of handshakes dropped because a listen queue was full
/// (TcpExt ListenOverflows in /proc/net/netstat; the whole machine's).
fn listen_overflows() -> u64 {
    let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap();
    let mut lines = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
    let (names, values) = (lines.next().unwrap(), lines.next().unwrap());
    let at = names
        .split_whitespace()
        .position(|n| n == "ListenOverflows")
        .unwrap();
    values.split_whitespace().nth(at).unwrap().parse().unwrap()
}

/// The soft limit on open files of this process (children inherit it).
fn open_files_limit() -> u64 {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    line.split_whitespace()
        .nth(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

#[test]
fn a_storm_of_10000_connections_gets_through_the_default_backlog_within_a_second() {
    const STORM: usize = 10_000;
    if open_files_limit() < STORM as u64 + 500 {
        eprintln!(
            "skipped: the open-files limit ({}) is below {}; raise it with ulimit -n",
            open_files_limit(),
            STORM + 500
        );
        return;
    }
    // STORM_BACKLOG=128 (or 5, the tutorials' listen(5)) shows the test failing.
    let backlog =
        std::env::var("STORM_BACKLOG").unwrap_or_else(|_| tcp_async::DEFAULT_BACKLOG.to_string());
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--quiet", "--backlog", &backlog]);
    let addr = server.listening_addr();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let overflows_before = listen_overflows();
    let slowest = runtime.block_on(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        // Every connect at once. A handshake the kernel had no room for in
        // the backlog is dropped and retried after a second: the slowest
        // connect shows whether that happened.
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..STORM {
            tasks.spawn(async move {
                let started = Instant::now();
                let connect = tokio::net::TcpStream::connect(addr);
                let stream = tokio::time::timeout(testkit::TIMEOUT, connect).await;
                (
                    stream.expect("connect in time").expect("connect"),
                    started.elapsed(),
                )
            });
        }
        let mut streams = Vec::with_capacity(STORM);
        let mut slowest = Duration::ZERO;
        while let Some(done) = tasks.join_next().await {
            let (stream, took) = done.unwrap();
            slowest = slowest.max(took);
            streams.push(stream);
        }
        // And every one of them was accepted: each gets its echo.
        for mut s in streams {
            tasks.spawn(async move {
                s.write_all(b"!").await.unwrap();
                let mut one = [0u8; 1];
                tokio::time::timeout(testkit::TIMEOUT, s.read_exact(&mut one))
                    .await
                    .expect("echo in time")
                    .unwrap();
                (s, Duration::ZERO)
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        slowest
    });
    let overflows = listen_overflows() - overflows_before;
    eprintln!("backlog {backlog}: slowest connect {slowest:?}, {overflows} listen overflows");
    // No overflow anywhere on the machine means none here. (Another
    // program's overflows can make the count non-zero; then the timing
    // decides: a dropped handshake is retried only after a second.)
    assert!(
        overflows == 0 || slowest < Duration::from_secs(1),
        "{overflows} handshakes were dropped for want of backlog, and the slowest of {STORM} connects took {slowest:?}"
    );
    assert!(server.is_running());
}
