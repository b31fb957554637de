//! Every mistake a learner can make gets one clear line and a non-zero exit.

use std::net::TcpListener;

use testkit::run;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-async-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-async-client");

#[test]
fn client_without_a_server_says_how_to_start_one() {
    let port = testkit::free_port().to_string();
    let out = run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "connection refused; is the server running? start it with: just run tcp-async-server",
    );
    // Nothing on stdout suggests it went well.
    assert!(!out.stdout.contains("done:"), "{out:?}");
}

#[test]
fn several_clients_refused_are_summed_up_in_one_line() {
    let port = testkit::free_port().to_string();
    let out = run(CLIENT, &["--port", &port, "--clients", "5", "-m", "hi"], "")
        .assert_one_line_error("5 of 5 connections failed; the first: cannot connect to");
    // No connection got anywhere: no summary, the error says it all.
    assert!(!out.stdout.contains("done:"), "{out:?}");
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
fn invalid_numbers_are_rejected_by_the_argument_parser() {
    for (program, args, needle) in [
        (
            SERVER,
            ["--port", "70000"],
            "invalid value '70000' for '--port <PORT>'",
        ),
        (
            CLIENT,
            ["--port", "70000"],
            "invalid value '70000' for '--port <PORT>'",
        ),
        (
            SERVER,
            ["--max-clients", "0"],
            "invalid value '0' for '--max-clients <N>'",
        ),
        (
            CLIENT,
            ["--clients", "0"],
            "invalid value '0' for '--clients <N>'",
        ),
        (
            CLIENT,
            ["--timeout", "soon"],
            "invalid value 'soon' for '--timeout <SECONDS>'",
        ),
    ] {
        let out = run(program, &args, "");
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
fn a_server_that_never_answers_is_given_up_on() {
    // Accepts (the kernel does the handshake) but never replies.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    run(
        CLIENT,
        &["--port", &port, "--timeout", "0.3", "-m", "hello?"],
        "",
    )
    .assert_one_line_error("no answer from 127.0.0.1:");
}

#[test]
fn help_names_the_default_backlog() {
    let out = run(SERVER, &["--help"], "").assert_success();
    let default = format!("[default: {}]", tcp_async::DEFAULT_BACKLOG);
    assert!(out.stdout.contains(&default), "{out:?}");
}
