//! The real binaries end to end: client and server together, many
//! connections from one client, the cap as the client sees it, `--quiet`,
//! what the server holds for a client that never reads (read from its
//! debug log). The storm of connections is in `storm.rs`, alone.

use std::io::{ErrorKind, Write};
use std::process::Command;
use std::time::Duration;

use tcp_select::outbox::PENDING_CAP;
use tcp_select::BUF_SIZE;
use testkit::{connect, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-select-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-select-client");

#[test]
fn typed_lines_go_out_with_the_name_and_come_back() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port], "first\n你好\nexit\n").assert_success();
    assert!(
        client.stdout.starts_with("[1] connected to 127.0.0.1:"),
        "{client:?}"
    );
    assert!(
        client
            .stdout
            .contains("message> first\n[1] reply: 老王:first\n"),
        "{client:?}"
    );
    assert!(
        client.stdout.contains("[1] reply: 老王:你好\n"),
        "{client:?}"
    );
    assert!(
        client.stdout.contains("done: 1 client, 2 replies in "),
        "{client:?}"
    );
    let out = server.wait_for_stdout("closed the connection (0 clients now)");
    assert!(
        out.contains(": 老王:first\n") && out.contains(": 老王:你好\n"),
        "{out}"
    );
}

#[test]
fn one_client_process_drives_many_connections() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "收到"]);
    let port = server.listening_addr().port().to_string();
    let client = run(
        CLIENT,
        &[
            "--port",
            &port,
            "--clients",
            "5",
            "-m",
            "one",
            "-m",
            "two",
            "--name",
            "小明",
        ],
        "",
    )
    .assert_success();
    for n in 1..=5 {
        assert_eq!(
            client
                .stdout
                .matches(&format!("[{n}] reply: 收到\n"))
                .count(),
            2,
            "{client:?}"
        );
    }
    assert!(
        client.stdout.contains("done: 5 clients, 10 replies in "),
        "{client:?}"
    );
    let out = server.wait_for_stdout_count("closed the connection", 5);
    assert_eq!(out.matches(": 小明:two\n").count(), 5, "{out}");
}

#[test]
fn the_client_shows_a_refusal_clearly() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--max-clients", "1"]);
    let addr = server.listening_addr();
    let mut first = connect(addr);
    server.wait_for_stdout("connected (1 client now)");
    run(
        CLIENT,
        &["--port", &addr.port().to_string(), "-m", "hi"],
        "",
    )
    .assert_one_line_error(
        "turned this client away: server busy: 1 client already connected, try again later",
    );
    first.write_all(b"still here").unwrap();
    assert_eq!(testkit::read_exact_text(&mut first, 10), "still here");
}

#[test]
fn quiet_prints_only_the_listening_line() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--quiet"]);
    let port = server.listening_addr().port().to_string();
    run(CLIENT, &["--port", &port, "--clients", "3", "-m", "a"], "").assert_success();
    let server = server.kill();
    assert_eq!(server.stdout.lines().count(), 1, "{server:?}");
    assert_eq!(server.stderr, "", "{server:?}");
}

/// The server's debug log names every read and write: adding them up, in
/// order, gives what it held for the client at every moment.
#[test]
fn a_client_that_never_reads_makes_the_server_hold_at_most_its_cap() {
    let mut command = Command::new(SERVER);
    command
        .args(["--port", "0", "--quiet"])
        .env("RUST_LOG", "debug");
    let mut server = Proc::from_command(command);
    let addr = server.listening_addr();
    let mut flooder = connect(addr);
    flooder
        .set_write_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let me = flooder.local_addr().unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    // Write until the writes are no longer taken (64 MB is more than the
    // kernel's buffers hold).
    while sent < 64 * 1024 * 1024 {
        match flooder.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(e) => panic!("flood write failed: {e}"),
        }
    }
    let log = server.wait_for_stderr(&format!("wait for {me}: stop reading it"));
    let server = server.kill();
    let log = if server.stderr.len() > log.len() {
        server.stderr
    } else {
        log
    };
    let (mut held, mut most) = (0i64, 0i64);
    for line in log.lines() {
        let bytes = |prefix: &str, suffix: &str| -> Option<i64> {
            let rest = line.split("] ").nth(1)?.strip_prefix(prefix)?;
            rest.strip_suffix(suffix)?
                .strip_suffix(" bytes")?
                .parse()
                .ok()
        };
        if let Some(n) = bytes("read ", &format!(" from {me}")) {
            held += n;
        } else if let Some(n) = bytes("write ", &format!(" to {me}")) {
            held -= n;
        }
        most = most.max(held);
    }
    assert!(sent > PENDING_CAP, "{sent}");
    assert!(
        most >= PENDING_CAP as i64,
        "the cap was never reached: {most}"
    );
    assert!(
        most <= (PENDING_CAP + BUF_SIZE) as i64,
        "the server held {most} bytes for one client"
    );
}
