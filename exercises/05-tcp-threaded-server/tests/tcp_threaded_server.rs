//! The tests `just check 05` runs: clients on real sockets, at once.

use exercise_support as support;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use support::{connect, expect_text, listener, read_exactly, spawn};
use tcp_threaded_server::serve;

/// Sends `message`, waits until the answer has arrived (`peek` does not
/// consume it), then closes with the answer unread: the system answers such
/// a close with a reset (RST), so the server's next read of this client
/// fails with `ConnectionReset` instead of returning 0.
fn send_then_reset(mut client: TcpStream, message: &str) {
    client.write_all(message.as_bytes()).unwrap();
    let mut byte = [0u8; 1];
    let n = client.peek(&mut byte).expect("the answer arrives");
    assert_eq!(n, 1, "the answer arrives");
    drop(client);
}

/// Sends `message` and checks the answer names this client.
fn ask(client: &mut TcpStream, message: &str) {
    client.write_all(message.as_bytes()).unwrap();
    let me = client.local_addr().unwrap();
    expect_text(client, &format!("{me}: {message}"));
}

#[test]
fn a_second_client_is_answered_while_the_first_is_still_connected() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2));
    let mut first = connect(addr);
    ask(&mut first, "I am first");
    // The first client stays connected. A server that serves one client at
    // a time would not answer the second now.
    let mut second = connect(addr);
    second.write_all(b"me too").unwrap();
    let me = second.local_addr().unwrap();
    let expected = format!("{me}: me too");
    let got = read_exactly(
        &mut second,
        expected.len(),
        "an answer to the second client while the first is still connected \
         (are clients served one at a time?)",
    );
    assert_eq!(String::from_utf8_lossy(&got), expected);
    drop(first);
    drop(second);
    assert_eq!(
        server.join().expect("serve failed"),
        2,
        "serve returns, once every client has left, the messages answered (join every thread)"
    );
}

#[test]
fn eight_clients_connected_at_once_are_all_answered_in_any_order() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 8));
    let mut clients: Vec<TcpStream> = (0..8).map(|_| connect(addr)).collect();
    // The last to connect speaks first.
    for (i, client) in clients.iter_mut().enumerate().rev() {
        ask(client, &format!("client {i}"));
    }
    drop(clients);
    assert_eq!(
        server.join().expect("serve failed"),
        8,
        "the total of messages answered, all clients together"
    );
}

#[test]
fn serve_waits_for_every_client_and_adds_up_their_messages() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 3));
    let mut a = connect(addr);
    let mut b = connect(addr);
    let mut c = connect(addr);
    ask(&mut a, "a1");
    ask(&mut b, "b1");
    ask(&mut c, "c1");
    drop(a);
    ask(&mut b, "b2");
    ask(&mut c, "c2");
    drop(b);
    // Two clients have left, one is still here: serve must not return yet.
    assert!(
        server.still_running_after(Duration::from_millis(200)),
        "serve returned while a client was still connected: join every thread"
    );
    ask(&mut c, "c3");
    drop(c);
    assert_eq!(
        server.join().expect("serve failed"),
        6,
        "the total of messages answered (not of clients)"
    );
}

#[test]
fn a_client_that_leaves_at_once_does_not_disturb_the_others() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2));
    drop(connect(addr));
    let mut stays = connect(addr);
    ask(&mut stays, "still here");
    drop(stays);
    assert_eq!(server.join().expect("serve failed"), 1);
}

#[test]
fn a_client_whose_connection_resets_does_not_stop_the_server() {
    let (listener, addr) = listener();
    let server = spawn("serve", move || serve(&listener, 2));
    let rude = connect(addr);
    let mut stays = connect(addr);
    // The first client's thread ends with an error (ConnectionReset).
    send_then_reset(rude, "bye");
    ask(&mut stays, "still here");
    ask(&mut stays, "and here");
    drop(stays);
    let total = server.join().expect(
        "serve failed after one client's connection was reset: a client's error counts for \
         nothing, it must not stop the server (is there a `?` on what a thread returned?)",
    );
    assert_eq!(total, 2, "the client that reset counts for nothing");
}
