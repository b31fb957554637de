//! The threaded server in-process on port 0: several clients at once, the
//! cap, resets, typed replies, and clients that misbehave.

mod support;

use std::io::{Read, Write};
use std::net::Shutdown;
use std::thread;

use common::Reply;
use support::{round_trip, Server};
use tcp_threaded::server::Options;
use testkit::{read_exact_text, read_to_close};

#[test]
fn every_message_is_answered_and_printed_with_the_clients_address() {
    let server = Server::start(Reply::Echo, 0, false);
    let (mut a, me) = server.connect();
    round_trip(&mut a, "老王:你好", "老王:你好");
    round_trip(&mut a, "老王:again", "老王:again");
    server.out.wait_for(&format!("from {me}: 老王:again"));
    drop(a);
    let out = server
        .out
        .wait_for(&format!("{me} closed the connection (0 clients now)"));
    assert!(out.contains(&format!("from {me}: 老王:你好")), "{out}");
}

#[test]
fn two_clients_are_served_at_once() {
    let server = Server::start(Reply::Fixed("ok".into()), 0, false);
    // A is connected and idle: a server that served one client at a time
    // would still be busy with A, and B's read would time out.
    let (mut a, _) = server.connect();
    let (mut b, _) = server.connect();
    server.out.wait_for("(2 clients now)");
    round_trip(&mut b, "B first", "ok");
    // ...and A, connected all along, is still served.
    round_trip(&mut a, "A later", "ok");
    round_trip(&mut b, "B again", "ok");
}

#[test]
fn a_client_that_resets_does_not_disturb_the_other() {
    let server = Server::start(Reply::Fixed("ok".into()), 0, false);
    let (mut a, a_addr) = server.connect();
    let (mut b, _) = server.connect();
    a.write_all(b"hi").unwrap();
    // Wait until the reply has arrived, leave it unread, and close: a close
    // with unread data makes the kernel send a reset, not a normal close.
    a.peek(&mut [0u8; 1]).unwrap();
    drop(a);
    server
        .out
        .wait_for(&format!("{a_addr} reset the connection (1 client now)"));
    round_trip(&mut b, "still there?", "ok");
}

#[test]
fn the_cap_refuses_one_client_too_many_and_accepts_again_after_one_leaves() {
    let server = Server::start(Reply::Echo, 2, false);
    let (a, a_addr) = server.connect();
    let (mut b, _) = server.connect();

    let mut c = testkit::connect(server.addr);
    let refusal = String::from_utf8(read_to_close(&mut c)).unwrap();
    assert_eq!(
        refusal,
        "server busy: 2 clients already connected, try again later"
    );
    let c_addr = c.local_addr().unwrap();
    server
        .out
        .wait_for(&format!("refused {c_addr}: server busy"));

    // A leaves; its place is given back before the server says so.
    drop(a);
    server
        .out
        .wait_for(&format!("{a_addr} closed the connection (1 client now)"));
    let (mut d, _) = server.connect();
    round_trip(&mut d, "in at last", "in at last");
    round_trip(&mut b, "b too", "b too");
}

#[test]
fn typed_answers_reach_the_client_named_in_the_prompt() {
    let server = Server::start(Reply::Typed, 0, false);
    let (mut a, a_addr) = server.connect();
    let (mut b, b_addr) = server.connect();
    a.write_all(b"question from A").unwrap();
    server.out.wait_for(&format!("reply to {a_addr}> "));
    // B asks while the person is still answering A: B waits its turn.
    b.write_all(b"question from B").unwrap();
    server
        .out
        .wait_for(&format!("from {b_addr}: question from B"));
    server.keyboard().type_line("answer for A");
    assert_eq!(read_exact_text(&mut a, 12), "answer for A");
    server.out.wait_for(&format!("reply to {b_addr}> "));
    server.keyboard().type_line("answer for B");
    assert_eq!(read_exact_text(&mut b, 12), "answer for B");
    let out = server.out.text();
    assert!(
        out.contains(&format!("reply to {a_addr}> answer for A\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("reply to {b_addr}> answer for B\n")),
        "{out}"
    );
}

#[test]
fn end_of_typed_input_closes_every_client_and_stops_the_server() {
    let server = Server::start(Reply::Typed, 0, false);
    let (mut asking, asking_addr) = server.connect();
    let (mut idle, idle_addr) = server.connect();
    let out = server.close_keyboard_and_join(|| asking.write_all(b"anyone?").unwrap());
    // Both connections were closed cleanly: reading gets end of stream.
    assert!(read_to_close(&mut asking).is_empty());
    assert!(read_to_close(&mut idle).is_empty());
    assert!(
        out.contains(&format!("{asking_addr} was closed: no more typed replies")),
        "{out}"
    );
    assert!(out.contains("no more typed replies: closing"), "{out}");
    assert!(
        out.contains(&format!("{idle_addr} was closed by the server")),
        "{out}"
    );
}

#[test]
fn quiet_prints_nothing_per_message_or_per_client() {
    let server = Server::start(Reply::Echo, 0, true);
    let mut a = testkit::connect(server.addr);
    round_trip(&mut a, "ping", "ping");
    drop(a);
    // Nothing to wait for in the output, so prove the server is done with
    // A by serving another client, then check nothing was printed.
    let mut b = testkit::connect(server.addr);
    round_trip(&mut b, "pong", "pong");
    assert_eq!(server.out.text(), "");
}

#[test]
fn invalid_utf8_is_shown_lossily_and_echoed_as_text() {
    let server = Server::start(Reply::Echo, 0, false);
    let (mut a, me) = server.connect();
    a.write_all(b"ok \xff\xfe end").unwrap();
    let expected = "ok \u{FFFD}\u{FFFD} end";
    assert_eq!(read_exact_text(&mut a, expected.len()), expected);
    server.out.wait_for(&format!("from {me}: {expected}"));
}

#[test]
fn a_character_split_between_two_writes_is_not_garbled() {
    let server = Server::start(Reply::Echo, 0, false);
    let (mut a, me) = server.connect();
    a.set_nodelay(true).unwrap();
    let bytes = "你好".as_bytes();
    a.write_all(&bytes[..2]).unwrap();
    a.write_all(&bytes[2..]).unwrap();
    // Whether the two writes arrive in one read or two, the echo is whole.
    assert_eq!(read_exact_text(&mut a, bytes.len()), "你好");
    let out = server.out.text();
    assert!(!out.contains('\u{FFFD}'), "{out}");
    drop(a);
    server.out.wait_for(&format!("{me} closed"));
}

#[test]
fn a_200_kb_message_is_read_in_1024_byte_pieces_and_fully_echoed() {
    let server = Server::start(Reply::Echo, 0, false);
    let (mut a, _) = server.connect();
    let big = vec![b'x'; 200 * 1024];
    let mut writer = a.try_clone().unwrap();
    let sent = big.clone();
    let writing = thread::spawn(move || writer.write_all(&sent).unwrap());
    let mut echoed = vec![0u8; big.len()];
    a.read_exact(&mut echoed).unwrap();
    writing.join().unwrap();
    assert_eq!(echoed, big);
    let out = server.out.text();
    let longest = out.lines().map(str::len).max().unwrap();
    assert!(
        longest <= 1024 + 40,
        "one line per read of at most 1024 bytes"
    );
    // The server is still fine.
    round_trip(&mut a, "small", "small");
}

#[test]
fn instant_close_and_half_close_are_survived() {
    let server = Server::start(Reply::Echo, 0, false);
    // Connect and close at once, without a word.
    let (instant, instant_addr) = server.connect();
    drop(instant);
    server
        .out
        .wait_for(&format!("{instant_addr} closed the connection"));
    // Send, then close only the sending half: the answer still arrives,
    // and then the server closes its side.
    let (mut half, _) = server.connect();
    half.write_all(b"last words").unwrap();
    half.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_close(&mut half), b"last words");
    // And a new client is served as usual.
    let (mut next, _) = server.connect();
    round_trip(&mut next, "hello", "hello");
}

#[test]
fn a_thread_that_cannot_start_costs_one_connection_not_the_server() {
    // No machine can map a 2^62-byte stack: every spawn fails.
    let server = Server::start_with(Options {
        reply: Reply::Echo,
        max_clients: None,
        quiet: false,
        stack_size: 1 << 62,
    });
    for _ in 0..3 {
        let mut client = testkit::connect(server.addr);
        let me = client.local_addr().unwrap();
        // The connection is closed, and the failure said so on one line.
        assert!(read_to_close(&mut client).is_empty());
        let out = server
            .out
            .wait_for(&format!("cannot start a thread for {me}: "));
        assert!(out.contains("; its connection was closed"), "{out}");
    }
    // The places were given back: the server counts no one still connected.
    let out = server.out.wait_for_count("cannot start a thread", 3);
    assert!(out.contains("(1 client now)"), "{out}");
    assert!(!out.contains("(2 clients now)"), "{out}");
}

#[test]
fn a_3000_byte_message_takes_several_reads_and_a_full_read_is_announced() {
    let server = Server::start(Reply::Echo, 0, false);
    let (mut a, me) = server.connect();
    // One write of 3000 bytes: on loopback it arrives at once, so the first
    // read fills the whole 1024-byte buffer.
    let message = "y".repeat(3000);
    a.write_all(message.as_bytes()).unwrap();
    // Echoed piece by piece (one answer per read), but every byte comes back.
    assert_eq!(read_exact_text(&mut a, message.len()), message);
    // At least three reads: 1024 + 1024 + 952.
    let out = server.out.wait_for_count(&format!("from {me}: "), 3);
    assert!(
        out.contains(&format!(
            "{me}: 1024 bytes arrived (a full read); the rest, if any, comes in the next read\n"
        )),
        "{out}"
    );
}

#[test]
fn quiet_does_not_announce_full_reads() {
    let server = Server::start(Reply::Echo, 0, true);
    let mut a = testkit::connect(server.addr);
    let message = "z".repeat(3000);
    a.write_all(message.as_bytes()).unwrap();
    assert_eq!(read_exact_text(&mut a, message.len()), message);
    assert_eq!(server.out.text(), "");
}
