//! The tests `just check 14` runs: members are real loopback connections,
//! the room runs on a tokio runtime of one thread (`run`).

use exercise_support as support;

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use async_chat_room::run;
use support::{connect, listener, spawn, Running, LIMIT};

/// The room, running on a thread of its own.
fn start(clients: usize) -> (Running<io::Result<()>>, SocketAddr) {
    let (listener, addr) = listener();
    (spawn("run", move || run(listener, clients)), addr)
}

/// Reads one line, or says why none came (`None` when the connection
/// closed, `Some` error otherwise).
fn try_line(stream: &mut TcpStream) -> Result<String, String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => {
                return Err(format!(
                    "the connection closed (after {:?})",
                    String::from_utf8_lossy(&line)
                ))
            }
            Ok(_) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Ok(String::from_utf8_lossy(&line).into_owned());
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(format!("nothing within {LIMIT:?}"))
            }
            Err(e) => return Err(format!("the read failed: {e}")),
        }
    }
}

/// Expects `expected` as the next line; `otherwise` says what it means if
/// no line comes at all.
#[track_caller]
fn expect_line(stream: &mut TcpStream, expected: &str, otherwise: &str) {
    match try_line(stream) {
        Ok(line) => assert_eq!(line, expected),
        Err(why) if why.starts_with("the connection closed") => panic!(
            "expected {expected:?} but {why}: did serve return (which ends the runtime, \
             and every member's task with it) before its members left? {otherwise}"
        ),
        Err(why) => panic!("expected {expected:?} but {why}: {otherwise}"),
    }
}

/// A member joins: connects, and reads its welcome.
#[track_caller]
fn join(addr: SocketAddr, n: usize) -> (TcpStream, SocketAddr) {
    let mut client = connect(addr);
    let me = client.local_addr().unwrap();
    expect_line(
        &mut client,
        &format!("welcome {me}, {n} here\n"),
        if n == 1 {
            "is each member served by a task of its own (tokio::spawn or JoinSet::spawn)?"
        } else {
            "the earlier members are still connected: if each is served by a task of its \
             own, does one of them block the runtime's only thread (a std read, a \
             thread::sleep), or is one member served to the end before the next?"
        },
    );
    (client, me)
}

/// Waits for the room to end, as it must once every member has left.
#[track_caller]
fn finish(server: Running<io::Result<()>>) {
    if let Err(e) = server.join() {
        panic!(
            "run returned the error {e:?} once the members had left: a member's error \
             (its connection reset, say) is reported, not passed up with `?`; the \
             room is fine"
        );
    }
}

const RELAYED: &str = "the member who sent it is still there: does every member's task \
                       say its lines in the room, and write the others' lines to its member?";

#[test]
fn each_newcomer_is_welcomed_and_counted() {
    let (server, addr) = start(3);
    let members: Vec<_> = (1..=3).map(|n| join(addr, n)).collect();
    drop(members);
    finish(server);
}

#[test]
fn a_line_reaches_everyone_but_its_sender() {
    let (server, addr) = start(3);
    let (mut a, a_addr) = join(addr, 1);
    let (mut b, b_addr) = join(addr, 2);
    let (mut c, _) = join(addr, 3);
    a.write_all("hello 大家\n".as_bytes()).unwrap();
    expect_line(&mut b, &format!("{a_addr}: hello 大家\n"), RELAYED);
    expect_line(&mut c, &format!("{a_addr}: hello 大家\n"), RELAYED);
    b.write_all(b"hi A\n").unwrap();
    // A's next line is B's: nobody hears its own line.
    match try_line(&mut a) {
        Ok(line) if line == format!("{b_addr}: hi A\n") => {}
        Ok(line) if line.starts_with(&a_addr.to_string()) => panic!(
            "the sender got its own line back ({line:?}): every member hears the \
             channel, so a member's task must skip the lines its own member said"
        ),
        Ok(line) => panic!("expected B's line, got {line:?}"),
        Err(why) => panic!("expected B's line but {why}: {RELAYED}"),
    }
    drop((a, b, c));
    finish(server);
}

#[test]
fn a_member_whose_connection_resets_does_not_end_the_room() {
    let (server, addr) = start(3);
    let (mut a, a_addr) = join(addr, 1);
    let (mut b, b_addr) = join(addr, 2);
    // C never reads its welcome: closing with unread data sends a reset
    // (RST), so C's task gets an error (ECONNRESET), not a clean end.
    let c = connect(addr);
    thread::sleep(Duration::from_millis(200));
    drop(c);
    thread::sleep(Duration::from_millis(200));
    a.write_all(b"C left\n").unwrap();
    expect_line(
        &mut b,
        &format!("{a_addr}: C left\n"),
        "the others are still connected after C's reset: report a member's error \
         (no `?` on a member's result) and keep serving the others",
    );
    b.write_all(b"yes\n").unwrap();
    expect_line(&mut a, &format!("{b_addr}: yes\n"), RELAYED);
    drop((a, b));
    finish(server);
}

#[test]
fn the_room_ends_only_when_every_member_has_left() {
    let (server, addr) = start(2);
    let (mut a, a_addr) = join(addr, 1);
    let (mut b, _) = join(addr, 2);
    // Everyone has arrived: serve has accepted all it will, and must now
    // wait for the members, not return.
    thread::sleep(Duration::from_millis(200));
    a.write_all(b"still open?\n").unwrap();
    expect_line(
        &mut b,
        &format!("{a_addr}: still open?\n"),
        "serve must await every member's task: when it returns, the runtime ends, \
         and every task still running is dropped with it",
    );
    drop(a);
    assert!(
        server.still_running_after(Duration::from_millis(200)),
        "run returned while B was still in the room"
    );
    drop(b);
    finish(server);
}

#[test]
fn lines_from_many_members_at_once_never_interleave() {
    const MEMBERS: usize = 4;
    const LINES: usize = 50;
    let (server, addr) = start(MEMBERS);
    let mut members: Vec<TcpStream> = (1..=MEMBERS).map(|n| join(addr, n).0).collect();
    let talkers: Vec<_> = members
        .iter()
        .map(|member| {
            let mut writer = member.try_clone().unwrap();
            let me = member.local_addr().unwrap();
            thread::spawn(move || {
                for i in 0..LINES {
                    writer
                        .write_all(format!("{me} line {i:02} {}\n", "x".repeat(40)).as_bytes())
                        .unwrap();
                }
            })
        })
        .collect();
    for talker in talkers {
        talker.join().unwrap();
    }
    for member in &mut members {
        for _ in 0..LINES * (MEMBERS - 1) {
            let line = try_line(member).unwrap_or_else(|why| panic!("a line missing: {why}"));
            // "<from>: <from> line NN xxxx...\n", whole.
            let (from, rest) = line.split_once(": ").expect("a line has a sender");
            let tail = format!(" {}\n", "x".repeat(40));
            assert!(
                rest.starts_with(&format!("{from} line "))
                    && rest.ends_with(&tail)
                    && rest.len() == from.len() + 8 + tail.len(),
                "a garbled line: {line:?}"
            );
        }
    }
    drop(members);
    finish(server);
}
