//! udp-echo in-process on port 0: the server's steps and the client's steps,
//! each against a plain test socket.

use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use common::LineSource;
use testkit::{udp_socket, TIMEOUT};
use udp_echo::server::{self, Answer};
use udp_echo::{client, MAX_DATAGRAM};

/// Serves `count` datagrams on a port-0 socket in a thread; returns the
/// server's address and a handle yielding what it printed.
fn serve_in_thread(answer: Answer, count: usize) -> (SocketAddr, thread::JoinHandle<String>) {
    let socket = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = socket.local_addr().expect("local addr");
    let handle = thread::spawn(move || {
        let mut out = Vec::new();
        for _ in 0..count {
            server::serve_one(&socket, &answer, false, &mut out).expect("serve one datagram");
        }
        String::from_utf8_lossy(&out).into_owned()
    });
    (addr, handle)
}

/// Receives one datagram on `socket` (bounded by its read timeout).
fn receive(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; MAX_DATAGRAM + 1];
    let (n, from) = socket.recv_from(&mut buf).expect("an answer in time");
    buf.truncate(n);
    (buf, from)
}

#[test]
fn server_echoes_each_datagram_to_its_sender() {
    let (addr, handle) = serve_in_thread(Answer::Echo, 2);
    let alice = udp_socket();
    let bob = udp_socket();
    alice.send_to("你好 from alice".as_bytes(), addr).unwrap();
    assert_eq!(receive(&alice), ("你好 from alice".into(), addr));
    bob.send_to(b"from bob", addr).unwrap();
    assert_eq!(receive(&bob), (b"from bob".to_vec(), addr));
    let out = handle.join().unwrap();
    let alice_addr = alice.local_addr().unwrap();
    assert!(
        out.contains(&format!("received from {alice_addr}: 你好 from alice")),
        "{out}"
    );
    assert!(out.contains("from bob"), "{out}");
}

#[test]
fn quiet_server_answers_and_prints_nothing() {
    let socket = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = socket.local_addr().unwrap();
    let peer = udp_socket();
    peer.send_to(b"shh", addr).unwrap();
    let mut out = Vec::new();
    server::serve_one(&socket, &Answer::Echo, true, &mut out).unwrap();
    assert_eq!(receive(&peer), (b"shh".to_vec(), addr));
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
}

#[test]
fn server_answers_with_a_fixed_reply() {
    let (addr, handle) = serve_in_thread(Answer::Fixed("hello".into()), 1);
    let peer = udp_socket();
    peer.send_to(b"anything", addr).unwrap();
    assert_eq!(receive(&peer).0, b"hello");
    handle.join().unwrap();
}

#[test]
fn silent_server_prints_but_never_answers() {
    let (addr, handle) = serve_in_thread(Answer::Silent, 1);
    let peer = udp_socket();
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    peer.send_to(b"anyone there?", addr).unwrap();
    let out = handle.join().unwrap();
    assert!(out.contains("anyone there?"), "{out}");
    let mut buf = [0u8; 16];
    assert!(
        peer.recv_from(&mut buf).is_err(),
        "a silent server answered"
    );
}

#[test]
fn invalid_utf8_is_shown_lossily_and_echoed_unchanged() {
    let (addr, handle) = serve_in_thread(Answer::Echo, 2);
    let peer = udp_socket();
    peer.send_to(b"ok \xff\xfe end", addr).unwrap();
    // An echo is byte for byte, even for bytes that are not text.
    assert_eq!(receive(&peer).0, b"ok \xff\xfe end");
    // ...and the server is still there for the next datagram.
    peer.send_to(b"still here", addr).unwrap();
    assert_eq!(receive(&peer).0, b"still here");
    let out = handle.join().unwrap();
    assert!(out.contains(": ok \u{FFFD}\u{FFFD} end"), "{out}");
}

#[test]
fn an_empty_datagram_is_a_message_too() {
    // Unlike a TCP read of 0 bytes (the peer closed), an empty datagram is
    // a real message, and it is echoed.
    let (addr, handle) = serve_in_thread(Answer::Echo, 1);
    let peer = udp_socket();
    peer.send_to(b"", addr).unwrap();
    assert_eq!(receive(&peer), (Vec::new(), addr));
    handle.join().unwrap();
}

#[test]
fn the_largest_datagram_arrives_whole() {
    let (addr, handle) = serve_in_thread(Answer::Echo, 1);
    let peer = udp_socket();
    let big: Vec<u8> = (0..MAX_DATAGRAM).map(|i| b'a' + (i % 26) as u8).collect();
    peer.send_to(&big, addr).unwrap();
    let (echoed, _) = receive(&peer);
    assert_eq!(echoed.len(), MAX_DATAGRAM);
    assert_eq!(echoed, big);
    let out = handle.join().unwrap();
    let line = out.lines().next().unwrap();
    assert!(
        line.ends_with(std::str::from_utf8(&big).unwrap()),
        "cut short"
    );
}

/// A stand-in server answering `count` datagrams with `reply`, returning
/// what it received.
fn fake_server(reply: &'static [u8], count: usize) -> (u16, thread::JoinHandle<Vec<String>>) {
    let socket = udp_socket();
    let port = socket.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        (0..count)
            .map(|_| {
                let (got, from) = receive(&socket);
                socket.send_to(reply, from).unwrap();
                String::from_utf8(got).unwrap()
            })
            .collect()
    });
    (port, handle)
}

/// Runs the client's steps with scripted lines; returns (result, out, warn).
fn talk(port: u16, wait: Option<Duration>, lines: &[&str]) -> (anyhow::Result<()>, String, String) {
    let (socket, server) = client::open("127.0.0.1", port).unwrap();
    let mut typed = LineSource::scripted(lines.iter().map(|l| l.to_string()));
    let (mut out, mut warn) = (Vec::new(), Vec::new());
    let result = client::talk(socket, server, wait, &mut typed, &mut out, &mut warn);
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    (result, text(out), text(warn))
}

#[test]
fn client_sends_lines_and_prints_each_answer_with_its_sender() {
    let (port, server) = fake_server(b"got it", 2);
    let (result, out, warn) = talk(port, Some(TIMEOUT), &["one", "", "two", "quit", "never"]);
    result.unwrap();
    // The empty line is skipped and nothing after `quit` is sent.
    assert_eq!(server.join().unwrap(), ["one", "two"]);
    let from = format!("reply from 127.0.0.1:{port}: got it");
    assert_eq!(out.matches(&from).count(), 2, "{out}");
    assert!(warn.is_empty(), "{warn}");
}

#[test]
fn client_reports_an_unanswered_datagram_after_the_timeout_and_goes_on() {
    // A socket that receives but never answers: the datagrams are not lost,
    // just unanswered.
    let mute = udp_socket();
    let port = mute.local_addr().unwrap().port();
    let started = Instant::now();
    let (result, out, warn) = talk(port, Some(Duration::from_millis(300)), &["a", "b"]);
    result.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "did not wait"
    );
    assert!(started.elapsed() < TIMEOUT, "waited too long");
    let expected = format!("warning: no answer from 127.0.0.1:{port} within 300ms");
    assert_eq!(warn.matches(&expected).count(), 2, "{warn}");
    assert!(warn.contains("UDP does not tell whether anything is listening"));
    assert!(out.contains("message> b"), "the client went on: {out}");
}

#[test]
fn client_without_reply_does_not_wait() {
    let mute = udp_socket();
    let port = mute.local_addr().unwrap().port();
    let started = Instant::now();
    let (result, _, warn) = talk(port, None, &["fire", "and forget"]);
    result.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1), "it waited");
    assert!(warn.is_empty(), "{warn}");
    assert_eq!(receive(&mute).0, b"fire");
    assert_eq!(receive(&mute).0, b"and forget");
}

#[test]
fn client_refuses_a_line_longer_than_one_datagram() {
    let mute = udp_socket();
    let port = mute.local_addr().unwrap().port();
    let line = "x".repeat(MAX_DATAGRAM + 1);
    let (result, _, _) = talk(port, None, &[&line]);
    let err = result.unwrap_err().to_string();
    assert!(err.contains("65508 bytes"), "{err}");
    assert!(err.contains("at most 65507 bytes"), "{err}");
}
