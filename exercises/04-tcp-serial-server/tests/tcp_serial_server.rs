//! The tests `just check 04` runs: clients on real sockets.

use exercise_support as support;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use support::{connect, expect_nothing, expect_text, listener, read_to_close, spawn, LIMIT};
use tcp_serial_server::{serve, serve_client, REPLY};

/// Sends `message`, waits until the reply has arrived (`peek` does not
/// consume it), then closes with the reply unread: the system answers such
/// a close with a reset (RST), so the server's next read fails with
/// `ConnectionReset` instead of returning 0.
fn send_then_reset(mut client: TcpStream, message: &str) {
    client.write_all(message.as_bytes()).unwrap();
    let mut byte = [0u8; 1];
    let n = client.peek(&mut byte).expect("the reply arrives");
    assert_eq!(n, 1, "the reply arrives");
    drop(client);
}

#[test]
fn serve_client_answers_every_message() {
    let (listener, addr) = listener();
    let server = spawn("serve_client", move || {
        let (mut conn, _) = listener.accept().expect("accept");
        serve_client(&mut conn, false)
    });
    let mut client = connect(addr);
    for message in ["one", "二", "three"] {
        client.write_all(message.as_bytes()).unwrap();
        expect_text(&mut client, REPLY);
    }
    drop(client);
    let answered = server.join().expect(
        "serve_client failed: a client that closes (a read of 0 bytes) is done, not an error",
    );
    assert_eq!(answered, 3, "three messages were answered");
}

#[test]
fn serve_client_once_answers_one_message_then_closes() {
    let (listener, addr) = listener();
    let server = spawn("serve_client", move || {
        let (mut conn, _) = listener.accept().expect("accept");
        let answered = serve_client(&mut conn, true);
        drop(conn);
        answered
    });
    let mut client = connect(addr);
    client.write_all(b"only").unwrap();
    expect_text(&mut client, REPLY);
    // The client stays: with `once`, serve_client returns without it leaving.
    assert!(
        !server.still_running_after(LIMIT),
        "with `once`, serve_client closes after the first answer, but it is still \
         waiting for more"
    );
    assert_eq!(server.join().expect("serve_client failed"), 1);
    assert!(
        read_to_close(&mut client).is_empty(),
        "closed after one reply"
    );
}

#[test]
fn serve_serves_clients_in_turn_and_counts_their_messages() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 3, false));
    for messages in [2, 0, 1] {
        let mut client = connect(addr);
        for i in 0..messages {
            client.write_all(format!("message {i}").as_bytes()).unwrap();
            expect_text(&mut client, REPLY);
        }
    }
    assert_eq!(server.join().expect("serve failed"), [2, 0, 1]);
}

#[test]
fn a_second_client_waits_until_the_first_is_done() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2, false));
    let mut first = connect(addr);
    first.write_all(b"I am first").unwrap();
    expect_text(&mut first, REPLY);

    // The second client connects (the backlog queues it) and speaks...
    let mut second = connect(addr);
    second.write_all(b"me too").unwrap();
    // ...but nobody answers while the first is still being served.
    expect_nothing(
        &second,
        Duration::from_millis(300),
        "the second client must wait while the first is served",
    );

    // The first leaves: now the second is served, message and all.
    drop(first);
    expect_text(&mut second, REPLY);
    drop(second);
    assert_eq!(server.join().expect("serve failed"), [1, 1]);
}

#[test]
fn serve_once_closes_each_client_after_one_answer() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2, true));
    for _ in 0..2 {
        let mut client = connect(addr);
        client.write_all(b"hello").unwrap();
        expect_text(&mut client, REPLY);
        assert!(read_to_close(&mut client).is_empty());
    }
    assert_eq!(server.join().expect("serve failed"), [1, 1]);
}

#[test]
fn a_client_that_resets_does_not_stop_the_server() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2, false));
    send_then_reset(connect(addr), "hello");
    // Still serving: the next client is accepted and answered.
    assert!(
        server.still_running_after(Duration::from_millis(500)),
        "serve stopped after one client's connection was reset: one client's error must \
         not stop the server (is there a `?` or an unwrap() on serve_client's result?)"
    );
    let mut next = connect(addr);
    next.write_all(b"after the reset").unwrap();
    expect_text(&mut next, REPLY);
    drop(next);
    assert_eq!(
        server.join().expect("serve failed"),
        [0, 1],
        "the client that reset counts as 0"
    );
}
