//! The tests `just check 02` runs: each plays the server on a real socket.

use exercise_support as support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;

use support::{accept, connect, listener, spawn, Running};
use tcp_loop_client::{talk, BUF_SIZE};

/// A server that answers every message with `echo: <message>` until the
/// client closes, then returns the messages it received.
fn echo_server(listener: TcpListener) -> Running<Vec<String>> {
    spawn("the test's echo server", move || {
        let (mut conn, _) = accept(&listener);
        let mut received = Vec::new();
        let mut buf = [0u8; BUF_SIZE];
        loop {
            let n = support::read_some(&mut conn, &mut buf, "your next message, or your close");
            if n == 0 {
                return received;
            }
            let message = String::from_utf8_lossy(&buf[..n]).into_owned();
            conn.write_all(format!("echo: {message}").as_bytes())
                .unwrap();
            received.push(message);
        }
    })
}

#[test]
fn talk_sends_each_line_and_collects_the_replies() {
    let (listener, addr) = listener();
    let server = echo_server(listener);
    let replies = talk(connect(addr), &["hello", "你好", "third"]).expect("talk failed");
    assert_eq!(
        replies,
        ["echo: hello", "echo: 你好", "echo: third"],
        "one reply per line, in order; each line sent as it is (nothing added, not even \\n)"
    );
    assert_eq!(
        server.join(),
        ["hello", "你好", "third"],
        "what the server got: each line as it is, nothing added"
    );
}

#[test]
fn talk_skips_empty_lines() {
    let (listener, addr) = listener();
    let server = echo_server(listener);
    let replies = talk(connect(addr), &["", "a", "", "b"]).expect(
        "talk failed: an empty line sends zero bytes, that is nothing at all, so no reply \
         ever comes; skip empty lines",
    );
    assert_eq!(replies, ["echo: a", "echo: b"]);
    assert_eq!(server.join(), ["a", "b"]);
}

#[test]
fn talk_stops_at_quit_without_sending_it() {
    let (listener, addr) = listener();
    let server = echo_server(listener);
    let replies = talk(connect(addr), &["a", "quit", "never sent"]).expect("talk failed");
    assert_eq!(
        replies,
        ["echo: a"],
        "`quit` ends the conversation: no reply to it, nor to anything after it"
    );
    assert_eq!(
        server.join(),
        ["a"],
        "`quit` is not sent, nor anything after it"
    );
}

#[test]
fn talk_closes_the_connection_when_it_is_done() {
    let (listener, addr) = listener();
    let server = echo_server(listener);
    let replies = talk(connect(addr), &[]).expect("talk failed");
    assert!(replies.is_empty());
    // The echo server returns only once the client has closed.
    assert!(server.join().is_empty());
}

#[test]
fn talk_reports_a_server_that_closes_instead_of_replying() {
    let (listener, addr) = listener();
    let server = spawn("the test's server", move || {
        let (mut conn, _) = accept(&listener);
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
        // Returning closes the connection without a reply.
    });
    let talking = spawn("talk", move || talk(connect(addr), &["hello", "more"]));
    let result = talking.join();
    assert_eq!(server.join(), "hello");
    let err = result.expect_err(
        "the server closed without replying (a read of 0 bytes): that is an error, \
         not an empty reply",
    );
    assert_eq!(
        err.kind(),
        ErrorKind::UnexpectedEof,
        "a read of 0 bytes means the server closed: say so with UnexpectedEof ({err})"
    );
}
