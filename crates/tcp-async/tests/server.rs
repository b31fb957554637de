//! The async server in-process on port 0: answers, several clients at
//! once, the cap, and the graceful stop.

mod support;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use support::Server;
use tcp_async::handler::Answer;
use tcp_async::server::Options;
use testkit::{connect, read_exact_text, read_to_close};

fn round_trip(stream: &mut std::net::TcpStream, message: &str, expected: &str) {
    stream.write_all(message.as_bytes()).unwrap();
    assert_eq!(read_exact_text(stream, expected.len()), expected);
}

#[test]
fn echo_by_default_and_a_fixed_reply_with_reply() {
    let echo = Server::start(Answer::Echo, 0);
    let mut a = connect(echo.addr);
    round_trip(&mut a, "你好, async", "你好, async");
    round_trip(&mut a, "again", "again");

    let fixed = Server::start(Answer::Fixed("收到".into()), 0);
    let mut b = connect(fixed.addr);
    round_trip(&mut b, "anything", "收到");
}

#[test]
fn many_clients_at_once_on_one_thread() {
    let server = Server::start(Answer::Echo, 0);
    // All connected and idle first: a server that served one at a time
    // would still be waiting on the first, and the others would time out.
    let mut streams: Vec<_> = (0..50).map(|_| connect(server.addr)).collect();
    for (i, s) in streams.iter_mut().enumerate().rev() {
        round_trip(s, &format!("client {i}"), &format!("client {i}"));
    }
}

#[test]
fn the_cap_refuses_one_client_too_many_and_frees_the_seat_on_leaving() {
    let server = Server::start(Answer::Echo, 1);
    let mut a = connect(server.addr);
    round_trip(&mut a, "seated", "seated");
    let mut b = connect(server.addr);
    let refusal = String::from_utf8(read_to_close(&mut b)).unwrap();
    assert_eq!(
        refusal,
        "server busy: 1 client already connected, try again later"
    );
    let b_addr = b.local_addr().unwrap();
    server.out.wait_for(&format!(
        "refused {b_addr}: server busy: 1 client already connected"
    ));
    // A leaves; a new client is seated (retry: A's task ends a moment later).
    drop(a);
    let deadline = Instant::now() + testkit::TIMEOUT;
    loop {
        let mut c = connect(server.addr);
        c.write_all(b"me now?").unwrap();
        let mut got = [0u8; 7];
        if c.read_exact(&mut got).is_ok() && &got == b"me now?" {
            break;
        }
        assert!(Instant::now() < deadline, "the seat was never given back");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_stop_answers_the_message_in_flight_then_closes_every_client() {
    let mut server = Server::start(Answer::Echo, 0);
    let mut idle = connect(server.addr);
    let mut busy = connect(server.addr);
    round_trip(&mut idle, "hello", "hello");
    round_trip(&mut busy, "hello", "hello");
    // The message is in the server's receive buffer when the stop comes.
    busy.write_all(b"last words").unwrap();
    let took = server.stop();
    assert!(took < Duration::from_secs(2), "stopping took {took:?}");
    assert_eq!(read_to_close(&mut busy), b"last words");
    assert!(read_to_close(&mut idle).is_empty());
    let out = server.out.text();
    assert!(
        out.contains("the test: no new clients; 2 clients finishing\n"),
        "{out}"
    );
    assert!(
        out.ends_with("stopped: 2 clients served, 3 messages answered\n"),
        "{out}"
    );
    // And nobody new is let in.
    assert!(std::net::TcpStream::connect(server.addr).is_err());
}

#[test]
fn a_client_that_never_reads_cannot_hold_the_stop_up_beyond_the_grace_period() {
    let mut server = Server::start_with(Options {
        answer: Answer::Echo,
        max_clients: None,
        quiet: true,
        grace: Duration::from_millis(300),
    });
    let hostile = connect(server.addr);
    hostile
        .set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    // Fill every buffer between us: the server's task now waits in
    // write_all, answering a message, and would wait for ever.
    let mut writer = &hostile;
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    while sent < 64 * 1024 * 1024 && writer.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    let took = server.stop();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "stopping took {took:?}"
    );
    let out = server.out.text();
    assert!(
        out.contains("1 client still busy after 300ms: closed\n"),
        "{out}"
    );
}
