//! The tests `just check 03` runs: each is a client on a real socket.

use exercise_support as support;

use std::io::Write;
use std::time::Duration;

use support::{connect, expect_text, listener, read_exactly, read_to_close, spawn};
use welcome_and_quit::{serve, serve_client, ACK, WELCOME};

/// Runs `serve_client` for the next client of a fresh listener.
fn one_client() -> (
    std::net::SocketAddr,
    support::Running<std::io::Result<Vec<String>>>,
) {
    let (listener, addr) = listener();
    let server = spawn("serve_client", move || {
        let (conn, _) = listener.accept().expect("accept");
        serve_client(conn)
    });
    (addr, server)
}

#[test]
fn the_welcome_comes_first() {
    let (addr, server) = one_client();
    let mut client = connect(addr);
    // Before the client says anything.
    let welcome = read_exactly(
        &mut client,
        WELCOME.len(),
        "the welcome before the client says anything (does the server read first?)",
    );
    assert_eq!(String::from_utf8_lossy(&welcome), WELCOME);
    client.write_all(b"q").unwrap();
    server.join().expect("serve_client failed");
}

#[test]
fn every_message_is_answered_with_ack() {
    let (addr, server) = one_client();
    let mut client = connect(addr);
    expect_text(&mut client, WELCOME);
    client.write_all(b"hi").unwrap();
    expect_text(&mut client, &format!("hi{ACK}"));
    client.write_all("你好".as_bytes()).unwrap();
    expect_text(&mut client, &format!("你好{ACK}"));
    client.write_all(b"q").unwrap();
    assert_eq!(server.join().unwrap(), ["hi", "你好"]);
}

#[test]
fn q_ends_the_conversation_and_closes_the_connection() {
    let (addr, server) = one_client();
    let mut client = connect(addr);
    expect_text(&mut client, WELCOME);
    client.write_all(b"q").unwrap();
    let rest = read_to_close(&mut client);
    assert!(
        rest.is_empty(),
        "nothing is sent after q (q is not answered), got {:?}",
        String::from_utf8_lossy(&rest)
    );
    assert!(
        server.join().unwrap().is_empty(),
        "q itself is not a message"
    );
}

#[test]
fn a_client_that_closes_without_q_ends_the_conversation_too() {
    let (addr, server) = one_client();
    let mut client = connect(addr);
    expect_text(&mut client, WELCOME);
    client.write_all(b"bye").unwrap();
    expect_text(&mut client, &format!("bye{ACK}"));
    drop(client);
    // The tutorial's server spins forever here; yours returns.
    let received = server.join().expect("a client leaving is not an error");
    assert_eq!(received, ["bye"]);
}

#[test]
fn serve_serves_clients_one_after_another() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2));
    for name in ["first", "second"] {
        if name == "second" {
            assert!(
                server.still_running_after(Duration::from_millis(300)),
                "serve returned after the first client: it serves `clients` clients, \
                 one after the other"
            );
        }
        let mut client = connect(addr);
        expect_text(&mut client, WELCOME);
        client.write_all(name.as_bytes()).unwrap();
        expect_text(&mut client, &format!("{name}{ACK}"));
        client.write_all(b"q").unwrap();
        let _ = read_to_close(&mut client);
    }
    let all = server.join().expect("serve failed");
    assert_eq!(all, [vec!["first"], vec!["second"]]);
}
