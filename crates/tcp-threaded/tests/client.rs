//! The client in-process against a scripted peer: the exact bytes it sends,
//! `exit`, empty lines, and how it reports a refusal or a closed server.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::thread;

use common::LineSource;
use tcp_threaded::client;

/// A peer that answers `reply-N` to each message and returns every message
/// it received, once the client has closed.
fn recording_peer() -> (u16, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(testkit::TIMEOUT)).unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = conn.read(&mut buf).unwrap();
            if n == 0 {
                return received;
            }
            received.push(String::from_utf8(buf[..n].to_vec()).unwrap());
            conn.write_all(format!("reply-{}", received.len()).as_bytes())
                .unwrap();
        }
    });
    (port, peer)
}

fn talk(port: u16, name: &str, lines: &[&str]) -> anyhow::Result<String> {
    let stream = client::connect("127.0.0.1", port)?;
    let mut typed = LineSource::scripted(lines.iter().map(|l| l.to_string()));
    let mut out = Vec::new();
    let result = client::talk(stream, name, &mut typed, &mut out);
    result.map(|()| String::from_utf8(out).unwrap())
}

#[test]
fn every_line_goes_out_as_name_colon_text_and_exit_stops() {
    let (port, peer) = recording_peer();
    let out = talk(port, "老王", &["你好", "", "exit", "never sent"]).unwrap();
    // Each message is its own round trip, so each arrives in its own read.
    // The empty line goes out as "老王:", like the tutorial's client.
    assert_eq!(peer.join().unwrap(), ["老王:你好", "老王:"]);
    assert!(out.contains("message> 你好\nreply: reply-1\n"), "{out}");
    assert!(out.contains("reply: reply-2\n"), "{out}");
    assert!(!out.contains("reply-3"), "{out}");
}

#[test]
fn name_is_configurable_and_end_of_input_quits() {
    let (port, peer) = recording_peer();
    talk(port, "小李", &["hi"]).unwrap();
    assert_eq!(peer.join().unwrap(), ["小李:hi"]);
}

#[test]
fn even_an_empty_name_and_line_send_the_colon() {
    let (port, peer) = recording_peer();
    talk(port, "", &["", "x"]).unwrap();
    assert_eq!(peer.join().unwrap(), [":", ":x"]);
}

#[test]
fn a_refusal_is_reported_as_such() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.write_all(b"server busy: 3 clients already connected, try again later")
            .unwrap();
    });
    let err = talk(port, "老王", &["hello"]).unwrap_err();
    peer.join().unwrap();
    let err = format!("{err:#}");
    assert!(
        err.contains("turned this client away: server busy: 3 clients already connected"),
        "{err}"
    );
}

#[test]
fn a_server_that_closes_is_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let _ = conn.read(&mut [0u8; 64]);
        conn.shutdown(Shutdown::Both).unwrap();
    });
    let err = talk(port, "老王", &["hello", "again"]).unwrap_err();
    peer.join().unwrap();
    assert!(err.to_string().contains("closed the connection"), "{err}");
}
