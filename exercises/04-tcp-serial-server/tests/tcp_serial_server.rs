//! The tests `just check 04` runs: clients on real sockets.

use exercise_support as support;

use std::io::Write;
use std::time::Duration;

use support::{connect, expect_nothing, expect_text, listener, read_to_close, spawn};
use tcp_serial_server::{serve, serve_client, REPLY};

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
    assert_eq!(server.join().expect("serve_client failed"), 3);
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
