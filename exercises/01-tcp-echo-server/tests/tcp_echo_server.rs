//! The tests `just check 01` runs, in the order of the tasks.

use exercise_support as support;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::thread;

use support::{connect, read_to_close, spawn, LIMIT};
use tcp_echo_server::{bind, serve_one, BUF_SIZE};

/// Reads the echo of `sent`, saying what probably went wrong when it does
/// not come: the connection closed first, or nothing came in time.
#[track_caller]
fn expect_echo(client: &mut TcpStream, sent: &str) {
    let closed = format!(
        "the connection closed without an echo of {sent:?}: did the read get 0 bytes? \
         A buffer of length 0 (Vec::with_capacity) reads nothing"
    );
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < sent.len() {
        match client.read(&mut buf) {
            Ok(0) if got.is_empty() => panic!("{closed}"),
            Err(e) if got.is_empty() && e.kind() == ErrorKind::ConnectionReset => {
                panic!("{closed}")
            }
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "no echo of {sent:?} within {LIMIT:?} while the client keeps the connection \
                 open (got {:?}): does serve_one wait for the client to close, like \
                 read_to_end() or read_to_string()?",
                String::from_utf8_lossy(&got)
            ),
            Err(e) => panic!("no echo of {sent:?}: {e}"),
        }
    }
    assert_eq!(String::from_utf8_lossy(&got), sent, "the echo");
}

#[test]
fn bind_listens_on_loopback_on_a_port_the_system_picks() {
    let listener = bind(0).expect("bind(0) failed");
    let addr = listener.local_addr().unwrap();
    assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST, "bind to 127.0.0.1 only");
    assert_ne!(addr.port(), 0, "port 0 means: let the system pick one");
    // It listens: a client can connect.
    connect(addr);
}

#[test]
fn serve_one_echoes_one_message_then_closes() {
    let listener = bind(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn("serve_one", move || serve_one(&listener));
    let mut client = connect(addr);
    client.write_all("ping 你好".as_bytes()).unwrap();
    // The echo, then the end of the connection.
    expect_echo(&mut client, "ping 你好");
    let rest = read_to_close(&mut client);
    assert!(rest.is_empty(), "only the echo, got {rest:?} after it");
    let message = server.join().expect("serve_one returned an error");
    assert_eq!(message, "ping 你好", "serve_one returns the message");
}

#[test]
fn serve_one_answers_after_one_read_without_waiting_for_the_close() {
    let listener = bind(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn("serve_one", move || serve_one(&listener));
    let mut client = connect(addr);
    client.write_all(b"hello").unwrap();
    // The client keeps the connection open: a server that reads until the
    // client closes (read_to_end) would never answer.
    expect_echo(&mut client, "hello");
    drop(client);
    assert_eq!(server.join().unwrap(), "hello");
}

#[test]
fn serve_one_reads_at_most_1024_bytes() {
    let listener = bind(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn("serve_one", move || serve_one(&listener));
    let mut client = connect(addr);
    let writer = {
        let mut client = client.try_clone().unwrap();
        // May fail once the server closes with bytes left unread.
        thread::spawn(move || client.write_all(&[b'x'; 3000]).is_ok())
    };
    let message = server.join().expect("serve_one returned an error");
    assert!(
        !message.is_empty() && message.len() <= BUF_SIZE,
        "one read of at most {BUF_SIZE} bytes, got {} bytes",
        message.len()
    );
    let _ = read_to_close(&mut client);
    let _ = writer.join();
}

#[test]
fn serve_one_returns_an_empty_message_when_the_client_closes_at_once() {
    let listener = bind(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn("serve_one", move || serve_one(&listener));
    drop(connect(addr));
    let message = server.join().expect("a client leaving is not an error");
    assert_eq!(message, "");
}

#[test]
fn serve_one_shows_invalid_utf8_lossily_and_echoes_the_bytes() {
    let listener = bind(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn("serve_one", move || serve_one(&listener));
    let mut client = connect(addr);
    client.write_all(b"ok \xff end").unwrap();
    assert_eq!(
        read_to_close(&mut client),
        b"ok \xff end",
        "the same bytes back: echo the bytes received, not the text made of them \
         (from_utf8_lossy turns an invalid byte into U+FFFD)"
    );
    assert_eq!(server.join().unwrap(), "ok \u{FFFD} end");
}
