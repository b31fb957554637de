//! udp-echo end to end: the real binaries, on port 0.

use std::process::Command;
use std::time::{Duration, Instant};

use testkit::{run, udp_socket, Proc, TIMEOUT};
use udp_echo::MAX_DATAGRAM;

const SERVER: &str = env!("CARGO_BIN_EXE_udp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-echo-client");

#[test]
fn binaries_talk_to_each_other() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let addr = server.listening_addr();
    let port = addr.port().to_string();
    let client = run(
        CLIENT,
        &["--port", &port],
        "hello 你好\n\nworld\nquit\nnever sent\n",
    )
    .assert_success();
    assert!(
        client
            .stdout
            .contains(&format!("reply from {addr}: hello 你好")),
        "{client:?}"
    );
    assert!(client.stdout.contains(&format!("reply from {addr}: world")));
    assert!(client.stderr.is_empty(), "{client:?}");
    let out = server.wait_for_stdout(": world");
    assert!(out.contains(": hello 你好"), "{out}");
    // The server serves forever; the test ends it.
    let server = server.kill();
    assert!(!server.stdout.contains("never sent"), "{server:?}");
}

#[test]
fn quiet_server_echoes_but_prints_only_its_listening_line() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--quiet"]);
    let addr = server.listening_addr();
    let peer = udp_socket();
    let mut buf = [0u8; 64];
    for datagram in ["hello 你好".as_bytes(), b"\xff not text"] {
        peer.send_to(datagram, addr).unwrap();
        let (n, from) = peer.recv_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], from), (datagram, addr));
    }
    // Without --quiet the line for each datagram is written (and flushed:
    // stdout is line-buffered) before the echo is sent, so once both echoes
    // are back anything printed is already in the pipe.
    let server = server.kill();
    assert_eq!(
        server.stdout.lines().collect::<Vec<_>>(),
        [format!("listening on {addr}")],
        "{server:?}"
    );
    assert!(server.stderr.is_empty(), "{server:?}");
}

#[test]
fn server_answers_with_reply_text() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "hello"]);
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port, "-m", "hi", "-m", "again"], "").assert_success();
    assert_eq!(client.stdout.matches(": hello").count(), 2, "{client:?}");
}

#[test]
fn silent_server_and_no_reply_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--silent"]);
    let port = server.listening_addr().port().to_string();
    let started = Instant::now();
    let client = run(CLIENT, &["--port", &port, "--no-reply"], "one\ntwo\n").assert_success();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the client waited"
    );
    assert!(client.stderr.is_empty(), "{client:?}");
    let out = server.wait_for_stdout(": two");
    assert!(out.contains(": one"), "{out}");
}

#[test]
fn unanswered_datagram_is_reported_after_the_timeout() {
    // No server at all: UDP cannot tell, so the client times out.
    let port = testkit::free_udp_port().to_string();
    let started = Instant::now();
    let client = run(CLIENT, &["--port", &port, "--timeout", "0.3"], "a\nb\n").assert_success();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(took < TIMEOUT, "{took:?}");
    let line = format!(
        "warning: no answer from 127.0.0.1:{port} within 300ms (UDP does not tell \
         whether anything is listening; is the server running? start it with: \
         just run udp-echo-server --port {port})"
    );
    assert_eq!(client.stderr.lines().collect::<Vec<_>>(), [&line, &line]);
    assert!(client.stdout.contains("message> b"), "went on: {client:?}");
}

#[test]
fn the_largest_datagram_round_trips_and_a_larger_line_is_refused() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let addr = server.listening_addr();
    let port = addr.port().to_string();
    let biggest = "é".repeat(MAX_DATAGRAM / 2) + "x"; // 65507 bytes, multibyte text
    assert_eq!(biggest.len(), MAX_DATAGRAM);
    let client = run(CLIENT, &["--port", &port], &format!("{biggest}\n")).assert_success();
    assert!(
        client
            .stdout
            .contains(&format!("reply from {addr}: {biggest}\n")),
        "no whole echo"
    );

    let too_big = "x".repeat(MAX_DATAGRAM + 1);
    run(CLIENT, &["--port", &port], &format!("{too_big}\n")).assert_one_line_error(
        "the message is 65508 bytes, but one UDP datagram carries at most 65507 bytes",
    );
    server.kill();
}

#[test]
fn server_survives_invalid_utf8() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let addr = server.listening_addr();
    let peer = udp_socket();
    let mut buf = [0u8; 64];
    peer.send_to(b"\xff\xfe\xfd", addr).unwrap();
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"\xff\xfe\xfd");
    server.wait_for_stdout(": \u{FFFD}\u{FFFD}\u{FFFD}");
    peer.send_to(b"fine", addr).unwrap();
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"fine");
    assert!(server.is_running());
}

#[test]
fn rust_log_debug_traces_each_socket_step() {
    let mut command = Command::new(SERVER);
    command.args(["--port", "0"]).env("RUST_LOG", "debug");
    let mut server = Proc::from_command(command);
    let port = server.listening_addr().port().to_string();

    let mut command = Command::new(CLIENT);
    command
        .args(["--port", &port, "-m", "trace me"])
        .env("RUST_LOG", "debug");
    let client = Proc::from_command(command).finish().assert_success();
    for step in [
        "socket, bind: 0.0.0.0:",
        "send_to: 8 bytes",
        "recv_from: 8 bytes",
        "close",
    ] {
        assert!(client.stderr.contains(step), "{step:?} missing: {client:?}");
    }
    // The answer may reach the client before the server logs sending it.
    server.wait_for_stderr("send_to: 8 bytes");
    let server = server.kill();
    for step in ["socket, bind: 127.0.0.1:", "recv_from: 8 bytes"] {
        assert!(server.stderr.contains(step), "{step:?} missing: {server:?}");
    }
}
