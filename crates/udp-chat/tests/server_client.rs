//! udp-chat in-process on port 0: the server's steps against a test socket,
//! the client's steps against stand-in contacts.

use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use common::{LineSource, Reply};
use testkit::{udp_socket, TIMEOUT};
use udp_chat::contacts::{ContactArg, ContactBook};
use udp_chat::{client, server};

/// Receives one datagram (bounded by the socket's read timeout).
fn receive(socket: &UdpSocket) -> (String, SocketAddr) {
    let mut buf = [0u8; 1024];
    let (n, from) = socket.recv_from(&mut buf).expect("a datagram in time");
    (String::from_utf8_lossy(&buf[..n]).into_owned(), from)
}

/// Runs `serve` (until typing ends) on a port-0 socket in a thread.
fn serve_in_thread(
    reply: Reply,
    typed: &'static str,
) -> (SocketAddr, thread::JoinHandle<(anyhow::Result<()>, String)>) {
    let socket = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = socket.local_addr().expect("local addr");
    let handle = thread::spawn(move || {
        let mut out = Vec::new();
        let mut input = LineSource::reader(typed.as_bytes(), true);
        let result = server::serve(&socket, &reply, &mut input, &mut out);
        (result, String::from_utf8_lossy(&out).into_owned())
    });
    (addr, handle)
}

#[test]
fn server_answers_each_sender_with_a_typed_line_and_stops_at_end_of_input() {
    let (addr, handle) = serve_in_thread(Reply::Typed, "first answer\nsecond answer\n");
    let alice = udp_socket();
    let bob = udp_socket();
    alice.send_to("你好".as_bytes(), addr).unwrap();
    assert_eq!(receive(&alice), ("first answer".into(), addr));
    bob.send_to(b"hi", addr).unwrap();
    assert_eq!(receive(&bob), ("second answer".into(), addr));
    // Nothing left to type: the third message gets no answer, the server ends.
    alice.send_to(b"anyone?", addr).unwrap();
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    let alice_addr = alice.local_addr().unwrap();
    assert!(out.contains(&format!("from [{alice_addr}]: 你好")), "{out}");
    assert!(
        out.contains(&format!("reply to {alice_addr}> first answer")),
        "{out}"
    );
    assert!(out.ends_with("no reply typed; the server stops\n"), "{out}");
}

#[test]
fn server_with_fixed_reply_survives_invalid_utf8() {
    let socket = server::bind("127.0.0.1", 0).unwrap();
    let addr = socket.local_addr().unwrap();
    let peer = udp_socket();
    peer.send_to(b"\xff oops", addr).unwrap();
    peer.send_to(b"fine", addr).unwrap();
    let mut out = Vec::new();
    let mut typed = LineSource::scripted([]);
    let reply = Reply::Fixed("收到".into());
    for _ in 0..2 {
        assert!(server::serve_one(&socket, &reply, &mut typed, &mut out).unwrap());
        assert_eq!(receive(&peer).0, "收到");
    }
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("]: \u{FFFD} oops"), "{out}");
    assert!(out.contains("]: fine"), "{out}");
}

/// A stand-in contact answering one datagram with `reply`.
fn contact(reply: &'static str) -> (SocketAddr, thread::JoinHandle<String>) {
    let socket = udp_socket();
    let addr = socket.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let (got, from) = receive(&socket);
        socket.send_to(reply.as_bytes(), from).unwrap();
        got
    });
    (addr, handle)
}

fn book(entries: &[(&str, SocketAddr)]) -> ContactBook {
    let args: Vec<ContactArg> = entries
        .iter()
        .map(|(name, addr)| format!("{name}={addr}").parse().unwrap())
        .collect();
    ContactBook::from_args(&args).unwrap()
}

/// Runs the client's steps with scripted lines; returns (out, warn).
fn chat(book: &ContactBook, wait: Duration, lines: &[&str]) -> (String, String) {
    let socket = client::open(book).unwrap();
    let mut typed = LineSource::scripted(lines.iter().map(|l| l.to_string()));
    let (mut out, mut warn) = (Vec::new(), Vec::new());
    client::chat(socket, book, wait, &mut typed, &mut out, &mut warn).unwrap();
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    (text(out), text(warn))
}

#[test]
fn client_reports_an_offline_contact_and_goes_on_to_an_online_one() {
    let (zhang, zhang_server) = contact("我是张三");
    let offline = SocketAddr::from(([127, 0, 0, 1], testkit::free_udp_port()));
    let book = book(&[("张三", zhang), ("王五", offline)]);
    let started = Instant::now();
    let (out, warn) = chat(
        &book,
        Duration::from_millis(300),
        &[
            "王五", "在吗?", "quit", "张三", "", "你好", "quit", "quit", "never",
        ],
    );
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "did not wait"
    );
    assert!(started.elapsed() < TIMEOUT);
    assert_eq!(zhang_server.join().unwrap(), "你好");
    assert_eq!(
        warn,
        format!(
            "warning: no answer from 王五 [{offline}] within 300ms (is 王五's server running? \
             start it with: just run udp-chat-server --port {}; UDP does not tell whether \
             anything is listening)\n",
            offline.port()
        )
    );
    assert!(
        out.contains(&format!("from 张三 [{zhang}]: 我是张三")),
        "{out}"
    );
    assert!(!out.contains("never"), "read past quit: {out}");
}

#[test]
fn unknown_contact_lists_the_known_ones_and_asks_again() {
    let (li, li_server) = contact("ok");
    let book = book(&[("李四", li), ("赵六", li)]);
    let (out, warn) = chat(&book, TIMEOUT, &["老王", "李四", "hi"]);
    assert_eq!(
        warn,
        "unknown contact \"老王\"; known contacts: 李四, 赵六\n"
    );
    assert_eq!(out.matches("contact> ").count(), 2, "asked again: {out}");
    assert_eq!(li_server.join().unwrap(), "hi");
    // Two names share an address: the answer is credited to the first.
    assert!(out.contains("from 李四 ["), "{out}");
}

#[test]
fn an_answer_from_another_address_is_shown_but_is_not_the_answer() {
    // The contact's server answers from a different socket: nothing was
    // sent there, so it is labelled, and the wait for 张三 goes on.
    let listening = udp_socket();
    let addr = listening.local_addr().unwrap();
    let stranger = udp_socket();
    let stranger_addr = stranger.local_addr().unwrap();
    let peer = thread::spawn(move || {
        let (_, from) = receive(&listening);
        stranger.send_to(b"not me", from).unwrap();
    });
    let wait = Duration::from_millis(300);
    let (out, warn) = chat(&book(&[("张三", addr)]), wait, &["张三", "hi"]);
    peer.join().unwrap();
    assert!(
        out.contains(&format!(
            "not a reply (nothing was sent to that address) from [{stranger_addr}]: not me"
        )),
        "{out}"
    );
    assert!(warn.starts_with("warning: no answer from 张三"), "{warn}");
}

#[test]
fn client_refuses_a_message_longer_than_one_datagram() {
    let mute = udp_socket();
    let book = book(&[("张三", mute.local_addr().unwrap())]);
    let socket = client::open(&book).unwrap();
    let long = "x".repeat(udp_chat::MAX_DATAGRAM + 1);
    let mut typed = LineSource::scripted(["张三".to_string(), long]);
    let err = client::chat(
        socket,
        &book,
        TIMEOUT,
        &mut typed,
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("65508 bytes") && err.contains("at most 65507"),
        "{err}"
    );
}
