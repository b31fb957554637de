//! The client through a faulty network (the udp-relay crate, in-process)
//! and next to a stranger: late and duplicated answers and datagrams from
//! strangers are shown as what they are, and never end the wait for the
//! contact's own answer.

use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use common::{LineSource, Reply};
use testkit::{shared_out, udp_socket, TIMEOUT};
use udp_chat::contacts::{ContactArg, ContactBook};
use udp_chat::{client, server};
use udp_relay::fate::{parse_plan, Faults};
use udp_relay::relay::Relay;

/// A contact's server answering with `reply`, serving on its own thread.
fn contact_server(reply: Reply) -> SocketAddr {
    let socket = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = socket.local_addr().expect("local addr");
    thread::spawn(move || {
        let mut nobody_types = LineSource::scripted(Vec::<String>::new());
        server::serve(&socket, &reply, &mut nobody_types, &mut std::io::sink())
    });
    addr
}

/// A relay with `faults` in front of `server`.
fn relay(server: SocketAddr, faults: Faults) -> SocketAddr {
    let relay = Relay::bind("127.0.0.1:0".parse().unwrap(), server, faults, false).unwrap();
    let addr = relay.local_addr().unwrap();
    let (out, _printed) = shared_out();
    thread::spawn(move || relay.run(out));
    addr
}

/// Chats with 张三 at `addr`, typing `lines`; returns (stdout, warnings).
fn chat(addr: SocketAddr, wait: Duration, lines: &[String]) -> (String, String) {
    let arg: ContactArg = format!("张三={addr}").parse().unwrap();
    let book = ContactBook::from_args(&[arg]).unwrap();
    let socket = client::open(&book).unwrap();
    let script = std::iter::once("张三".to_string()).chain(lines.iter().cloned());
    let mut typed = LineSource::scripted(script);
    let (mut out, mut warn) = (Vec::new(), Vec::new());
    client::chat(socket, &book, wait, &mut typed, &mut out, &mut warn).unwrap();
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    (text(out), text(warn))
}

/// Every plain answer echoes the message being waited for; every late or
/// duplicate one names and repeats an earlier message. Returns
/// (answers, late, duplicates).
fn check_no_misattribution(out: &str, who: &str) -> (usize, usize, usize) {
    let mut current: Option<&str> = None;
    let (mut answers, mut late, mut dups) = (0, 0, 0);
    let answer = format!("from {who}: ");
    for line in out.lines() {
        if let Some(message) = line.strip_prefix("message to 张三> ") {
            current = Some(message).filter(|m| !m.is_empty());
        } else if let Some(text) = line.strip_prefix(&answer) {
            assert_eq!(
                Some(text),
                current,
                "answer shown against the wrong message:\n{out}"
            );
            answers += 1;
        } else if let Some(rest) = line.strip_prefix("late reply to \"") {
            let (named, text) = rest.split_once(&format!("\" {answer}")).unwrap();
            assert_eq!(named, text, "{line}");
            late += 1;
        } else if let Some(rest) = line.strip_prefix("duplicate reply to \"") {
            let (named, text) = rest.split_once(&format!("\" {answer}")).unwrap();
            assert_eq!(named, text, "{line}");
            dups += 1;
        } else if !line.starts_with("contact> ") {
            panic!("unexpected line {line:?} in:\n{out}");
        }
    }
    (answers, late, dups)
}

fn messages(count: usize) -> Vec<String> {
    (1..=count).map(|i| format!("c{i}")).collect()
}

#[test]
fn late_and_duplicated_answers_are_labelled_never_shifted() {
    // The plan of the answers: c2 delivered twice, c5 held 0.6 s (the
    // client waits 0.4 s).
    let faults = Faults {
        plan: Some(parse_plan("ok,dup,ok,ok,late,ok,ok").unwrap()),
        hold: Duration::from_millis(600),
        ..Faults::default()
    };
    let addr = relay(contact_server(Reply::Echo), faults);
    let (out, warn) = chat(addr, Duration::from_millis(400), &messages(7));
    let who = format!("张三 [{addr}]");
    assert_eq!(check_no_misattribution(&out, &who), (6, 1, 1), "{out}");
    for k in [1, 2, 3, 4, 6, 7] {
        let line = format!("\nfrom {who}: c{k}\n");
        assert_eq!(out.matches(&line).count(), 1, "{line:?} in:\n{out}");
    }
    assert!(out.contains(&format!("duplicate reply to \"c2\" from {who}: c2")));
    assert!(out.contains(&format!("late reply to \"c5\" from {who}: c5")));
    assert_eq!(
        warn.matches("warning: no answer from 张三").count(),
        1,
        "{warn}"
    );
}

#[test]
fn a_strangers_datagram_does_not_end_the_wait_for_the_contact() {
    // A stand-in contact that answers 0.3 s late; meanwhile a stranger
    // writes to the client's address.
    let contact = udp_socket();
    let addr = contact.local_addr().unwrap();
    let helper = thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (n, client) = contact.recv_from(&mut buf).expect("the message");
        udp_socket().send_to(b"buy now", client).unwrap();
        thread::sleep(Duration::from_millis(300));
        contact.send_to(&buf[..n], client).unwrap();
    });
    let started = Instant::now();
    let (out, warn) = chat(addr, Duration::from_secs(2), &["在吗?".to_string()]);
    helper.join().unwrap();
    assert!(started.elapsed() < TIMEOUT);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[2].starts_with("not a reply (nothing was sent to that address) from [127.0.0.1:")
            && lines[2].ends_with("]: buy now"),
        "{out}"
    );
    assert_eq!(lines[3], format!("from 张三 [{addr}]: 在吗?"), "{out}");
    assert!(warn.is_empty(), "{warn}");
}

#[test]
fn typed_replies_can_only_be_placed_by_timing_and_say_so() {
    // Not an echo: c2's answer is held past its wait and arrives during
    // c3's; the client cannot tell it from c3's answer, and says so.
    let faults = Faults {
        plan: Some(parse_plan("ok,late,ok").unwrap()),
        hold: Duration::from_millis(500),
        ..Faults::default()
    };
    let addr = relay(contact_server(Reply::Fixed("收到".into())), faults);
    let (out, _warn) = chat(addr, Duration::from_millis(300), &messages(3));
    assert!(
        out.contains("reply (paired by timing: it does not repeat the message, and it may be the late answer to \"c2\")"),
        "{out}"
    );
}

/// 20% loss, 10% duplication, 10% delay: nothing misplaced, no crash, no
/// hang.
fn many_messages(count: usize) {
    let faults = Faults {
        drop: 0.2,
        dup: 0.1,
        delay: 0.1,
        hold: Duration::from_millis(30),
        seed: 7,
        ..Faults::default()
    };
    let server = contact_server(Reply::Echo);
    let relay = Relay::bind("127.0.0.1:0".parse().unwrap(), server, faults, true).unwrap();
    let addr = relay.local_addr().unwrap();
    thread::spawn(move || relay.run(std::io::sink()));
    let started = Instant::now();
    let (out, warn) = chat(addr, Duration::from_millis(20), &messages(count));
    let (answers, late, dups) = check_no_misattribution(&out, &format!("张三 [{addr}]"));
    let lost = warn.matches("warning: no answer").count();
    println!(
        "{count} messages in {:?}: {answers} answered in time, {late} late, {dups} duplicates, \
         {lost} waits ran out",
        started.elapsed()
    );
    assert_eq!(answers + lost, count, "each message answered or reported");
    // At least the dropped ones (a slow machine may time out more).
    assert!(lost >= count / 10, "{lost} of {count}");
    assert!(dups > 0, "no duplicate seen in {count} messages");
}

#[test]
fn a_hundred_messages_through_loss_duplication_and_delay() {
    many_messages(100);
}

/// The full run (about 10 s): `just udp-relay-check`.
#[test]
#[ignore]
fn a_thousand_messages_through_loss_duplication_and_delay() {
    many_messages(1000);
}
