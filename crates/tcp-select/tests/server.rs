//! The server in-process on port 0: echo and fixed replies, many clients on
//! one thread, hostile and flooding clients that must not stall the others,
//! partial writes, the cap, and resets.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::Reply;
use support::{round_trip, Server};
use tcp_select::outbox::PENDING_CAP;

#[test]
fn echoes_each_message_and_prints_the_lesson_4_lines() {
    let mut server = Server::echo();
    let (mut client, me) = server.connect();
    round_trip(&mut client, "老王:你好", "老王:你好");
    round_trip(&mut client, "老王:again", "老王:again");
    drop(client);
    let out = server.out.wait_for("closed the connection");
    assert!(
        out.starts_with(&format!("{me} connected (1 client now)\n")),
        "{out}"
    );
    assert!(out.contains(&format!("from {me}: 老王:你好\n")), "{out}");
    assert!(
        out.contains(&format!("{me} closed the connection (0 clients now)\n")),
        "{out}"
    );
}

#[test]
fn a_fixed_reply_answers_every_message() {
    let mut server = Server::start(Reply::Fixed("收到".into()), 0, false);
    let (mut client, _) = server.connect();
    round_trip(&mut client, "one", "收到");
    round_trip(&mut client, "two", "收到");
}

#[test]
fn many_clients_are_served_by_one_thread_in_any_order() {
    let mut server = Server::echo();
    let mut clients: Vec<_> = (0..20).map(|_| server.connect().0).collect();
    // The last to connect speaks first; the others, silent, cost it nothing.
    for (i, client) in clients.iter_mut().enumerate().rev() {
        let message = format!("client {i}");
        round_trip(client, &message, &message);
    }
    server.out.wait_for("(20 clients now)");
}

#[test]
fn silent_and_half_finished_clients_do_not_stall_the_others() {
    let mut server = Server::echo();
    let (_silent, _) = server.connect();
    // Half a character: the first byte of the three of 你.
    let (mut half, half_addr) = server.connect();
    half.write_all(&"你".as_bytes()[..1]).unwrap();
    let (mut good, _) = server.connect();
    for i in 0..10 {
        let message = format!("still served {i}");
        round_trip(&mut good, &message, &message);
    }
    // The rest of the character arrives: printed whole, not garbled.
    half.write_all(&"你".as_bytes()[1..]).unwrap();
    assert_eq!(testkit::read_exact_text(&mut half, 3), "你");
    let out = server.out.wait_for(&format!("from {half_addr}: 你\n"));
    assert!(!out.contains('\u{FFFD}'), "{out}");
}

#[test]
fn one_client_over_the_cap_is_refused_and_the_first_goes_on() {
    let mut server = Server::start(Reply::Echo, 1, false);
    let (mut first, _) = server.connect();
    let mut second = testkit::connect(server.addr);
    let refusal = testkit::read_to_close(&mut second);
    assert_eq!(
        String::from_utf8_lossy(&refusal),
        "server busy: 1 client already connected, try again later"
    );
    server.out.wait_for("refused 127.0.0.1:");
    round_trip(&mut first, "still here", "still here");
    drop(first);
    server.out.wait_for("closed the connection (0 clients now)");
    // The place is free again.
    let (mut third, _) = server.connect();
    round_trip(&mut third, "my turn", "my turn");
}

#[test]
fn a_reset_client_is_reported_and_the_others_go_on() {
    let mut server = Server::echo();
    let (mut other, _) = server.connect();
    let (mut leaving, me) = server.connect();
    leaving.write_all(b"bye").unwrap();
    server.out.wait_for(&format!("from {me}: bye"));
    // Its answer is waiting unread when it closes: Linux resets instead of
    // closing normally. Then one more byte from the server meets the reset.
    thread::sleep(Duration::from_millis(50));
    drop(leaving);
    let out = server
        .out
        .wait_for(&format!("{me} reset the connection (1 client now)"));
    assert!(!out.contains("was dropped"), "{out}");
    round_trip(&mut other, "fine", "fine");
}

/// A client that floods the server and never reads: the server stops
/// reading it (backpressure) and keeps answering everyone else at once;
/// when the flooder reads at last, it gets back every byte, in order.
#[test]
fn a_flooding_client_that_never_reads_stalls_only_itself() {
    // More than the kernel's buffers hold (about 8.5 MB went through here
    // before the flood stalled): a server that read on without limit would
    // take it all.
    const FLOOD: usize = 64 * 1024 * 1024;
    let mut server = Server::start(Reply::Echo, 0, true);
    let mut flooder = testkit::connect(server.addr);
    let (mut other, _) = server.connect_quiet();

    // Flood from a thread: it writes until the writes stop being taken
    // (a write that waits 1 s) or everything is sent.
    let sent = Arc::new(AtomicUsize::new(0));
    let mut writer = flooder.try_clone().unwrap();
    writer
        .set_write_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let progress = Arc::clone(&sent);
    let flood = thread::spawn(move || {
        // Byte k of the flood is k % 251, wherever a partial write ends.
        let pattern: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
        loop {
            let done = progress.load(Ordering::SeqCst);
            if done >= FLOOD {
                break;
            }
            match writer.write(&pattern[done % 251..]) {
                Ok(n) => progress.fetch_add(n, Ordering::SeqCst),
                Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                    return "stalled"
                }
                Err(e) => panic!("flood write failed: {e}"),
            };
        }
        "sent everything"
    });

    // Meanwhile the other client is answered promptly, again and again.
    let mut times = Vec::new();
    for i in 0..30 {
        let message = format!("ping {i}");
        let started = Instant::now();
        round_trip(&mut other, &message, &message);
        times.push(started.elapsed());
    }
    times.sort();
    assert!(
        times[times.len() / 2] < Duration::from_millis(100),
        "round trips during the flood took {times:?}"
    );

    // The flood stops being taken: the server stopped reading it.
    let outcome = flood.join().unwrap();
    let sent = sent.load(Ordering::SeqCst);
    assert_eq!(outcome, "stalled", "the server took all {sent} bytes");
    assert!(sent > PENDING_CAP, "only {sent} bytes went out");

    // Now the flooder reads: every byte it sent comes back, in order, as
    // the server resumes reading and writes piece by piece.
    let mut got = 0;
    let mut buf = vec![0u8; 256 * 1024];
    while got < sent {
        let n = flooder.read(&mut buf).expect("echo of the flood");
        assert!(n > 0, "the server closed after {got} of {sent} bytes");
        for (k, byte) in buf[..n].iter().enumerate() {
            assert_eq!(*byte, ((got + k) % 251) as u8, "byte {}", got + k);
        }
        got += n;
    }
    assert_eq!(got, sent, "{outcome}");
    round_trip(&mut other, "after", "after");
}

#[test]
fn a_client_that_closes_its_side_still_gets_every_answer() {
    let mut server = Server::start(Reply::Echo, 0, true);
    let (mut client, _) = server.connect_quiet();
    let sent = vec![b'x'; 200_000];
    client.write_all(&sent).unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    // Everything comes back, then the server closes.
    assert_eq!(testkit::read_to_close(&mut client), sent);
}
