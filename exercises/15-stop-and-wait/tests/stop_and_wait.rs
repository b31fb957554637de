//! The tests `just check 15` runs: real loopback sockets, and a relay in
//! between that loses, duplicates and delays datagrams (tests/relay).

mod relay;

use exercise_support as support;

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use relay::Faults;
use stop_and_wait::{Packet, Receiver, Sender};
use support::{recv_from_running, spawn, udp_socket, Running};

/// Reads one datagram on a test socket: at most `support::LIMIT`, and not at all
/// once `yours` (the code under test) has panicked.
#[track_caller]
fn read_packet<T>(socket: &UdpSocket, yours: &Running<T>) -> (Packet, SocketAddr) {
    let mut buf = [0u8; 256];
    let (n, from) = recv_from_running(socket, &mut buf, yours);
    let packet = Packet::decode(&buf[..n]).expect("a packet of this protocol");
    (packet, from)
}

#[test]
fn receiver_acknowledges_and_returns_a_message() {
    let (socket, addr) = udp_socket();
    let running = spawn("recv", move || {
        Receiver::new(socket).recv(Duration::from_secs(2))
    });
    let (peer, _) = udp_socket();
    let data = Packet::Data {
        seq: 0,
        payload: b"hello".to_vec(),
    };
    peer.send_to(&data.encode(), addr).unwrap();
    assert_eq!(read_packet(&peer, &running).0, Packet::Ack { seq: 0 });
    let got = running.join().expect("recv failed");
    assert_eq!(got.as_deref(), Some(&b"hello"[..]));
}

#[test]
fn receiver_acknowledges_a_repeat_again_but_returns_it_once() {
    let (socket, addr) = udp_socket();
    let running = spawn("recv", move || {
        let mut receiver = Receiver::new(socket);
        let first = receiver.recv(Duration::from_secs(2));
        let second = receiver.recv(Duration::from_secs(2));
        (first, second)
    });
    let (peer, _) = udp_socket();
    let send = |seq: u32, text: &str| {
        let data = Packet::Data {
            seq,
            payload: text.as_bytes().to_vec(),
        };
        peer.send_to(&data.encode(), addr).unwrap();
    };
    send(0, "one");
    assert_eq!(read_packet(&peer, &running).0, Packet::Ack { seq: 0 });
    // Its ACK was "lost": the sender sends message 0 again.
    send(0, "one");
    assert_eq!(
        read_packet(&peer, &running).0,
        Packet::Ack { seq: 0 },
        "a repeated message must be acknowledged again, or the sender waits for ever"
    );
    send(1, "two");
    assert_eq!(read_packet(&peer, &running).0, Packet::Ack { seq: 1 });
    let (first, second) = running.join();
    assert_eq!(first.unwrap().as_deref(), Some(&b"one"[..]));
    assert_eq!(
        second.unwrap().as_deref(),
        Some(&b"two"[..]),
        "the repeat of message 0 was handed over twice"
    );
}

#[test]
fn receiver_gives_up_waiting_after_wait() {
    let (socket, _) = udp_socket();
    let running = spawn("recv", move || {
        let started = Instant::now();
        (
            Receiver::new(socket).recv(Duration::from_millis(200)),
            started.elapsed(),
        )
    });
    let (got, waited) = running.join();
    assert_eq!(got.expect("nothing to receive is not an error"), None);
    assert!(waited >= Duration::from_millis(150), "{waited:?}");
}

#[test]
fn sender_retransmits_until_acknowledged() {
    let (peer, addr) = udp_socket();
    let (socket, _) = udp_socket();
    let running = spawn("send", move || {
        let mut sender = Sender::new(socket, addr, Duration::from_millis(100), 10);
        let result = sender.send(b"again?");
        (result, sender.transmissions())
    });
    // Ignore the first two transmissions, as if they were lost.
    for _ in 0..2 {
        assert!(matches!(
            read_packet(&peer, &running).0,
            Packet::Data { seq: 0, .. }
        ));
    }
    let (third, from) = read_packet(&peer, &running);
    assert_eq!(
        third,
        Packet::Data {
            seq: 0,
            payload: b"again?".to_vec()
        }
    );
    // A stale ACK with another number does not count.
    peer.send_to(&Packet::Ack { seq: 7 }.encode(), from)
        .unwrap();
    peer.send_to(&Packet::Ack { seq: 0 }.encode(), from)
        .unwrap();
    let (result, transmissions) = running.join();
    result.expect("the message was acknowledged");
    assert_eq!(transmissions, 3);
}

#[test]
fn sender_gives_up_with_a_clear_error_when_the_receiver_is_gone() {
    // Bound, so the datagrams are delivered, but nobody acknowledges.
    let (_gone, addr) = udp_socket();
    let (socket, _) = udp_socket();
    let running = spawn("send", move || {
        let started = Instant::now();
        let mut sender = Sender::new(socket, addr, Duration::from_millis(50), 4);
        let result = sender.send(b"anyone?");
        (result, sender.transmissions(), started.elapsed())
    });
    let (result, transmissions, took) = running.join();
    let err = result.expect_err("nobody acknowledged, so send must fail");
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(err.to_string().contains("never acknowledged"), "{err}");
    assert!(err.to_string().contains("receiver"), "{err}");
    assert_eq!(transmissions, 4, "max_tries transmissions, then give up");
    assert!(
        took >= Duration::from_millis(150),
        "gave up too soon: {took:?}"
    );
}

/// Sends `count` messages through `faults`, both ways; returns what the
/// receiver handed over and the sender's transmission count. Bounded by
/// `limit`.
fn deliver(count: usize, faults: Faults, timeout: Duration, limit: Duration) -> (Vec<String>, u64) {
    let (receiver_socket, receiver_addr) = udp_socket();
    let relay = relay::start(receiver_addr, faults);
    let (tx, rx) = mpsc::channel();
    let receiving = thread::spawn(move || {
        let mut receiver = Receiver::new(receiver_socket);
        let mut got = Vec::new();
        // Keep acknowledging until the sender has been quiet for a while:
        // the last ACK may be lost, and the sender will ask again.
        while let Ok(Some(payload)) = receiver.recv(Duration::from_millis(500)) {
            got.push(String::from_utf8_lossy(&payload).into_owned());
        }
        got
    });
    let (socket, _) = udp_socket();
    let to = relay.addr;
    thread::spawn(move || {
        let mut sender = Sender::new(socket, to, timeout, 50);
        let result: Result<(), String> = (0..count)
            .try_for_each(|i| sender.send(format!("m{i}").as_bytes()))
            .map_err(|e| e.to_string());
        let _ = tx.send((result, sender.transmissions()));
    });
    let (result, transmissions) = rx
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{count} messages not delivered within {limit:?}"));
    result.expect("every message delivered");
    let got = receiving.join().expect("the receiver panicked");
    drop(relay);
    (got, transmissions)
}

#[test]
fn every_message_arrives_once_and_in_order_through_loss_duplication_and_delay() {
    let faults = Faults {
        loss: 0.3,
        dup: 0.3,
        delay: 0.3,
        hold: Duration::from_millis(60),
        seed: 15,
    };
    let (got, transmissions) = deliver(
        100,
        faults,
        Duration::from_millis(25),
        Duration::from_secs(30),
    );
    let expected: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    assert_eq!(got, expected, "not every message exactly once, in order");
    assert!(transmissions >= 100);
    println!("100 messages: {transmissions} transmissions");
}

#[test]
fn a_thousand_messages_with_30_percent_loss_each_way_take_under_3_sends_each() {
    // Each try gets through both ways with chance 0.7 * 0.7 = 0.49, so a
    // message takes 1 / 0.49 = 2.04 transmissions on average.
    let faults = Faults {
        loss: 0.3,
        dup: 0.0,
        delay: 0.0,
        hold: Duration::ZERO,
        seed: 1000,
    };
    let (got, transmissions) = deliver(
        1000,
        faults,
        Duration::from_millis(4),
        Duration::from_secs(50),
    );
    assert_eq!(got.len(), 1000);
    assert!(got.iter().enumerate().all(|(i, m)| *m == format!("m{i}")));
    let average = transmissions as f64 / 1000.0;
    println!("1000 messages: {transmissions} transmissions, {average:.2} per message");
    assert!(average <= 3.0, "{average:.2} transmissions per message");
    assert!(
        average >= 1.5,
        "{average:.2}: is the relay losing anything?"
    );
}
