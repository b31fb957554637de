//! The real binaries end to end: labelled replies and the summary, the
//! server's lines, a reset, a full read, backpressure, SIGTERM, a storm of
//! connections.

mod support;

use std::io::Write;
#[cfg(unix)]
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[cfg(unix)]
use testkit::read_to_close;
use testkit::{connect, read_exact_text, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-async-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-async-client");

fn start_server(args: &[&str]) -> (Proc, String) {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    let mut server = Proc::spawn(SERVER, &all);
    let port = server.listening_addr().port().to_string();
    (server, port)
}

#[test]
fn several_clients_each_send_every_message_and_the_summary_counts_them() {
    let (mut server, port) = start_server(&[]);
    let client = run(
        CLIENT,
        &["--port", &port, "--clients", "3", "-m", "hi", "-m", "你好"],
        "",
    )
    .assert_success();
    for n in 1..=3 {
        assert!(
            client.stdout.contains(&format!("[{n}] reply: 老王:hi\n")),
            "{client:?}"
        );
        assert!(
            client.stdout.contains(&format!("[{n}] reply: 老王:你好\n")),
            "{client:?}"
        );
    }
    let last = client.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("done: 3 clients, 6 replies in "),
        "{client:?}"
    );
    assert!(last.ends_with(" ms"), "{client:?}");
    let out = server.wait_for_stdout_count("closed the connection", 3);
    assert!(out.contains("connected (3 clients now)") || out.contains("(1 client now)"));
    assert_eq!(out.matches(": 老王:你好\n").count(), 3, "{out}");
}

#[test]
fn typed_lines_with_one_client_stop_at_exit() {
    let (mut server, port) = start_server(&[]);
    let client = run(
        CLIENT,
        &["--port", &port, "--name", "小明"],
        "one\n\ntwo\nexit\nnever sent\n",
    )
    .assert_success();
    // An empty line is still sent, as "小明:" (never zero bytes).
    for reply in ["小明:one", "小明:", "小明:two"] {
        assert!(
            client.stdout.contains(&format!("[1] reply: {reply}\n")),
            "{client:?}"
        );
    }
    assert!(
        client.stdout.contains("done: 1 client, 3 replies in "),
        "{client:?}"
    );
    let out = server.wait_for_stdout("closed the connection");
    assert!(!out.contains("never sent"), "{out}");
}

#[test]
fn several_clients_without_messages_send_the_lines_read_first() {
    let (_server, port) = start_server(&["--reply", "ok"]);
    let client = run(
        CLIENT,
        &["--port", &port, "--clients", "2"],
        "a\nb\nexit\nc\n",
    )
    .assert_success();
    assert_eq!(client.stdout.matches("reply: ok").count(), 4, "{client:?}");
    assert!(
        client.stdout.contains("done: 2 clients, 4 replies in "),
        "{client:?}"
    );
}

#[test]
fn the_client_shows_a_refusal_clearly() {
    let (mut server, port) = start_server(&["--max-clients", "1"]);
    let mut first = connect(server.listening_addr());
    server.wait_for_stdout("connected (1 client now)");
    run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "turned this client away: server busy: 1 client already connected, try again later",
    );
    let two = run(CLIENT, &["--port", &port, "--clients", "2", "-m", "hi"], "")
        .assert_one_line_error("2 of 2 connections failed; the first: the server at");
    assert!(two.stdout.contains("[1] failed: the server at"), "{two:?}");
    assert!(!two.stdout.contains("done:"), "{two:?}");
    first.write_all(b"still here").unwrap();
    assert_eq!(read_exact_text(&mut first, 10), "still here");
}

#[test]
fn a_reset_is_reported_and_the_others_go_on() {
    let (mut server, port) = start_server(&[]);
    let addr = server.listening_addr();
    let mut other = connect(addr);
    let mut rude = connect(addr);
    let rude_addr = rude.local_addr().unwrap();
    rude.write_all(b"hi").unwrap();
    // Wait for the echo, leave it unread and close: unread data makes the
    // kernel send a reset instead of a normal close.
    rude.peek(&mut [0u8; 1]).unwrap();
    drop(rude);
    server.wait_for_stdout(&format!("{rude_addr} reset the connection (1 client now)"));
    other.write_all(b"still here").unwrap();
    assert_eq!(read_exact_text(&mut other, 10), "still here");
    let _ = port;
}

#[test]
fn a_read_that_fills_the_buffer_is_pointed_out_unless_quiet() {
    let (mut server, _) = start_server(&[]);
    let mut c = connect(server.listening_addr());
    let long = "x".repeat(3000);
    c.write_all(long.as_bytes()).unwrap();
    assert_eq!(read_exact_text(&mut c, 3000), long);
    server.wait_for_stdout(
        "1024 bytes arrived (a full read); the rest, if any, comes in the next read",
    );

    let (mut quiet, _) = start_server(&["--quiet"]);
    let mut c = connect(quiet.listening_addr());
    c.write_all(long.as_bytes()).unwrap();
    assert_eq!(read_exact_text(&mut c, 3000), long);
    drop(c);
    let out = quiet.kill();
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
}

#[test]
fn a_client_that_floods_and_never_reads_stalls_nobody_and_costs_no_memory() {
    let (mut server, _) = start_server(&["--quiet"]);
    let addr = server.listening_addr();
    #[cfg(target_os = "linux")]
    let before = support::rss_kib(server.pid());

    // The hostile client writes and never reads an answer. Its writes
    // stop going through once every buffer on the way is full.
    let (hostile, total) = support::flood(addr);
    assert!(
        total < support::FLOOD,
        "all {total} bytes went through: no backpressure?"
    );

    // Another client is answered at once.
    let mut other = connect(addr);
    let started = Instant::now();
    other.write_all(b"am I stalled?").unwrap();
    assert_eq!(read_exact_text(&mut other, 13), "am I stalled?");
    let took = started.elapsed();
    assert!(took < Duration::from_millis(100), "answered after {took:?}");

    // The server holds one 1024-byte buffer for the hostile client, not
    // the megabytes it sent (those wait in the kernel's socket buffers).
    #[cfg(target_os = "linux")]
    {
        let after = support::rss_kib(server.pid());
        assert!(
            after < before + 4 * 1024,
            "the server grew from {before} KiB to {after} KiB after {total} bytes"
        );
    }
    drop(hostile);
}

#[cfg(unix)]
fn send_signal(server: &Proc, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &server.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn sigterm_answers_the_current_message_closes_everyone_and_exits_0() {
    let (mut server, _) = start_server(&[]);
    let addr = server.listening_addr();
    let mut idle = connect(addr);
    let mut talking = connect(addr);
    talking.write_all(b"first").unwrap();
    assert_eq!(read_exact_text(&mut talking, 5), "first");
    server.wait_for_stdout("(2 clients now)");
    // Mid-conversation: a message is on its way when the signal comes.
    talking.write_all(b"second").unwrap();
    send_signal(&server, "-TERM");
    assert_eq!(read_to_close(&mut talking), b"second");
    assert!(read_to_close(&mut idle).is_empty());
    let out = server.finish().assert_success();
    assert!(
        out.stdout
            .contains("SIGTERM: no new clients; 2 clients finishing\n"),
        "{out:?}"
    );
    assert_eq!(
        out.stdout.matches("was closed by the server").count(),
        2,
        "{out:?}"
    );
    assert!(
        out.stdout
            .ends_with("stopped: 2 clients served, 2 messages answered\n"),
        "{out:?}"
    );
    assert!(TcpStream::connect(addr).is_err(), "still accepting");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_the_same_way() {
    let (server, _) = start_server(&["--quiet"]);
    send_signal(&server, "-INT");
    let out = server.finish().assert_success();
    assert!(
        out.stdout
            .contains("Ctrl-C (SIGINT): no new clients; 0 clients finishing"),
        "{out:?}"
    );
}
