//! The tests `just check 11` runs: real servers, real clients, stopped.

use exercise_support as support;

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use graceful_shutdown::{Server, BYE};
use support::{connect, listener, read_line, read_to_close, spawn};

fn start() -> Server {
    let (listener, _) = listener();
    Server::start(listener).expect("start failed")
}

/// Sends a line and checks it comes back: the client is being served.
fn echo(client: &mut TcpStream, text: &str) {
    client.write_all(format!("{text}\n").as_bytes()).unwrap();
    assert_eq!(read_line(client), format!("{text}\n"));
}

#[test]
fn shutdown_with_no_clients_returns_promptly() {
    let server = start();
    let stopping = spawn("shutdown", move || server.shutdown());
    assert_eq!(
        stopping.join().expect("shutdown failed"),
        0,
        "no client was served"
    );
}

#[test]
fn connected_clients_are_told_and_closed() {
    let server = start();
    let addr = server.addr();
    let mut a = connect(addr);
    let mut b = connect(addr);
    echo(&mut a, "hello from a");
    echo(&mut b, "你好 from b");
    let stopping = spawn("shutdown", move || server.shutdown());
    // Each gets the goodbye, then the end of the connection.
    let bye = "the goodbye, then the end of the connection";
    assert_eq!(
        String::from_utf8_lossy(&read_to_close(&mut a)),
        BYE,
        "{bye}"
    );
    assert_eq!(
        String::from_utf8_lossy(&read_to_close(&mut b)),
        BYE,
        "{bye}"
    );
    assert_eq!(stopping.join().expect("shutdown failed"), 2);
}

#[test]
fn nobody_can_connect_after_shutdown() {
    let server = start();
    let addr = server.addr();
    echo(&mut connect(addr), "before");
    spawn("shutdown", move || server.shutdown()).join().expect(
        "shutdown failed: the client has left; telling it goodbye or shutting its connection \
         down may fail, and must not stop the shutdown",
    );
    let err = TcpStream::connect(addr).expect_err("the listener must be closed");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn the_wake_up_connection_is_not_counted_as_a_client() {
    let server = start();
    let mut client = connect(server.addr());
    echo(&mut client, "one");
    let served = spawn("shutdown", move || server.shutdown())
        .join()
        .expect("shutdown failed");
    assert_eq!(
        served, 1,
        "one client was served; the wake-up call is not a client"
    );
}

#[test]
fn clients_that_left_early_do_not_hold_up_shutdown() {
    let server = start();
    let addr = server.addr();
    // One leaves cleanly...
    let mut gone = connect(addr);
    echo(&mut gone, "bye");
    drop(gone);
    // ...one leaves with its echo unread: the system answers such a close
    // with a reset (RST), so its thread ends with ConnectionReset and
    // writing to it fails.
    let mut rude = connect(addr);
    rude.write_all(b"bye\n").unwrap();
    let mut byte = [0u8; 1];
    assert_eq!(rude.peek(&mut byte).expect("the echo arrives"), 1);
    drop(rude);
    // Time for its thread to read the reset: if the goodbye were written
    // first, that write would take the error, and the thread would see a
    // plain end of the connection instead.
    thread::sleep(Duration::from_millis(300));
    let mut stays = connect(addr);
    echo(&mut stays, "still here");
    let served = spawn("shutdown", move || server.shutdown()).join().expect(
        "shutdown failed: a client that already left (its connection closed, or reset) \
         cannot be told goodbye, and that must not stop the shutdown",
    );
    assert_eq!(served, 3, "three clients were served");
    assert_eq!(String::from_utf8_lossy(&read_to_close(&mut stays)), BYE);
}
