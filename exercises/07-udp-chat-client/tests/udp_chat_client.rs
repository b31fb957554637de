//! The tests `just check 07` runs: contacts are real UDP sockets.

use exercise_support as support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use support::{spawn, udp_socket, LIMIT};
use udp_chat_client::{send_and_wait, Contacts};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn lookup_finds_a_contact() {
    let book = Contacts::new(&[
        ("张三", addr("127.0.0.1:8081")),
        ("李四", addr("127.0.0.1:8082")),
    ]);
    assert_eq!(
        book.lookup("李四"),
        Ok(addr("127.0.0.1:8082")),
        "every contact is found, not only the first"
    );
    assert_eq!(book.lookup("张三"), Ok(addr("127.0.0.1:8081")));
}

#[test]
fn lookup_of_an_unknown_name_lists_the_known_ones() {
    // Not in sorted order (张 < 李 < 王 in Unicode): the book's order is kept.
    let book = Contacts::new(&[
        ("李四", addr("127.0.0.1:8082")),
        ("王五", addr("127.0.0.1:8083")),
        ("张三", addr("127.0.0.1:8081")),
    ]);
    assert_eq!(
        book.lookup("小明"),
        Err("unknown contact 小明; known: 李四, 王五, 张三".to_string()),
        "the message names every known contact, in the book's order"
    );
}

#[test]
fn send_and_wait_returns_the_contacts_answer() {
    let (contact, contact_addr) = udp_socket();
    let peer = spawn("the contact", move || {
        let mut buf = [0u8; 64];
        let (n, from) = contact.recv_from(&mut buf).unwrap();
        contact.send_to("你好!".as_bytes(), from).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    let (me, _) = udp_socket();
    let answer = send_and_wait(&me, contact_addr, "在吗?", LIMIT)
        .expect("send_and_wait failed (the socket is not connected: send_to() the contact)");
    assert_eq!(answer.as_deref(), Some("你好!"));
    assert_eq!(peer.join(), "在吗?");
}

#[test]
fn datagrams_from_strangers_are_ignored() {
    let (contact, contact_addr) = udp_socket();
    let (stranger, _) = udp_socket();
    let peer = spawn("the contact", move || {
        let mut buf = [0u8; 64];
        let (_, from) = contact.recv_from(&mut buf).unwrap();
        // A stranger speaks first...
        stranger.send_to(b"buy cheap watches", from).unwrap();
        // ...then the contact answers.
        contact.send_to(b"the real answer", from).unwrap();
    });
    let (me, _) = udp_socket();
    let answer = send_and_wait(&me, contact_addr, "hi", LIMIT).expect("send_and_wait failed");
    peer.join();
    assert_eq!(
        answer.as_deref(),
        Some("the real answer"),
        "only a datagram FROM the contact is its answer: check who sent each one"
    );
}

#[test]
fn strangers_do_not_restart_the_clock() {
    let (_contact, contact_addr) = udp_socket(); // bound, never answers
    let (me, me_addr) = udp_socket();
    // A stranger sends a datagram every 50 ms until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let spammer = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let (stranger, _) = udp_socket();
            let started = Instant::now();
            // 3 s at most: well past the 300 ms limit, well within LIMIT.
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(3) {
                let _ = stranger.send_to(b"spam", me_addr);
                thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let asking = spawn("send_and_wait", move || {
        let started = Instant::now();
        let answer = send_and_wait(&me, contact_addr, "hi", Duration::from_millis(300));
        (answer, started.elapsed())
    });
    let (answer, waited) = asking.join();
    stop.store(true, Ordering::Relaxed);
    spammer.join().unwrap();
    assert_eq!(answer.expect("no answer is not an error"), None);
    // Margins for timers and a busy machine; the spam goes on for 5 s.
    assert!(
        waited >= Duration::from_millis(250),
        "gave up after {waited:?}, before the 300 ms limit: a stranger's datagram is not \
         the contact's answer, nor a reason to stop waiting for it"
    );
    assert!(
        waited < Duration::from_millis(1500),
        "waited {waited:?} for a 300 ms limit: does every stranger's datagram restart the wait?"
    );
}

#[test]
fn an_offline_contact_is_no_answer() {
    let offline = udp_socket().1; // nobody listens there any more
    let (me, _) = udp_socket();
    let asking = spawn("send_and_wait", move || {
        send_and_wait(&me, offline, "hello?", Duration::from_millis(300))
    });
    assert_eq!(asking.join().expect("no answer is not an error"), None);
}
