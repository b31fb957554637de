//! Every mistake a learner can make gets one clear line and a non-zero exit,
//! and a server that stops answering ends the client, not the other way.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use testkit::run;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-select-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-select-client");

#[test]
fn client_without_a_server_says_how_to_start_one() {
    let port = testkit::free_port().to_string();
    let out = run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "connection refused; is the server running? start it with: just run tcp-select-server",
    );
    assert_eq!(out.stdout, "", "no summary when nothing connected");
    // Many connections refused: still one line, saying how many.
    run(CLIENT, &["--port", &port, "--clients", "3", "-m", "hi"], "")
        .assert_one_line_error("3 of 3 connections failed; the first: cannot connect");
}

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(SERVER, &["--port", &port], "").assert_one_line_error(&format!(
        "cannot listen on 127.0.0.1:{port}: the address is already in use"
    ));
}

#[test]
fn invalid_values_are_rejected_by_name() {
    for (program, args, needle) in [
        (
            SERVER,
            &["--port", "70000"][..],
            "invalid value '70000' for '--port <PORT>'",
        ),
        (
            CLIENT,
            &["--port", "70000"][..],
            "invalid value '70000' for '--port <PORT>'",
        ),
        (
            SERVER,
            &["--backlog", "0"][..],
            "invalid value '0' for '--backlog <N>'",
        ),
        (
            SERVER,
            &["--max-clients", "0"][..],
            "invalid value '0' for '--max-clients <N>'",
        ),
        (
            CLIENT,
            &["--clients", "0"][..],
            "invalid value '0' for '--clients <N>'",
        ),
        (
            CLIENT,
            &["--timeout", "0"][..],
            "invalid value '0' for '--timeout <SECONDS>'",
        ),
    ] {
        let out = run(program, args, "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stderr.contains(needle), "{out:?}");
    }
}

#[test]
fn unknown_host_is_reported() {
    run(CLIENT, &["--host", "no-such-host.invalid", "-m", "hi"], "")
        .assert_one_line_error("unknown host");
    run(
        SERVER,
        &["--host", "no-such-host.invalid", "--port", "0"],
        "",
    )
    .assert_one_line_error("unknown host");
}

#[test]
fn a_server_that_never_answers_ends_the_client_after_its_timeout() {
    // Accepts (the kernel completes the handshake) and never reads.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let started = Instant::now();
    run(CLIENT, &["--port", &port, "--timeout", "0.5", "-m", "hello?"], "")
        .assert_one_line_error(
            "no answer from 127.0.0.1:{port} within 500ms: connection 1 was waiting for a reply to message 1"
                .replace("{port}", &port)
                .as_str(),
        );
    assert!(started.elapsed() < Duration::from_secs(5));
}
