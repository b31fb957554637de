//! The tests `just check 10` runs: members are real loopback connections.

use exercise_support as support;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use chat_room::{serve, Room};
use support::{accept, connect, listener, read_line, read_to_close, spawn, LIMIT};

/// A member's two ends: the test's client, and the server's side of it.
fn member(listener: &TcpListener, addr: SocketAddr) -> (TcpStream, TcpStream, SocketAddr) {
    let client = connect(addr);
    let (server_side, peer) = accept(listener);
    (client, server_side, peer)
}

#[test]
fn join_welcomes_and_counts_the_members() {
    let (listener, addr) = listener();
    let room = Room::new();
    let (mut a, a_server, a_addr) = member(&listener, addr);
    let (mut b, b_server, b_addr) = member(&listener, addr);
    assert_eq!(
        room.join(a_addr, a_server).expect("join failed"),
        1,
        "the count includes the newcomer"
    );
    assert_eq!(read_line(&mut a), format!("welcome {a_addr}, 1 here\n"));
    assert_eq!(room.join(b_addr, b_server).expect("join failed"), 2);
    assert_eq!(read_line(&mut b), format!("welcome {b_addr}, 2 here\n"));
    assert_eq!(room.len(), 2);
}

#[test]
fn broadcast_reaches_everyone_but_the_sender() {
    let (listener, addr) = listener();
    let room = Room::new();
    let mut clients = Vec::new();
    for _ in 0..3 {
        let (mut client, server_side, peer) = member(&listener, addr);
        room.join(peer, server_side).expect("join failed");
        read_line(&mut client); // the welcome
        clients.push((client, peer));
    }
    let a = clients[0].1;
    let b = clients[1].1;
    room.broadcast(a, "hello 大家");
    assert_eq!(read_line(&mut clients[1].0), format!("{a}: hello 大家\n"));
    assert_eq!(read_line(&mut clients[2].0), format!("{a}: hello 大家\n"));
    // The sender's next line is B's, not its own.
    room.broadcast(b, "hi A");
    assert_eq!(
        read_line(&mut clients[0].0),
        format!("{b}: hi A\n"),
        "a line goes to everyone but its sender"
    );
}

#[test]
fn leave_removes_a_member() {
    let (listener, addr) = listener();
    let room = Room::new();
    let (mut a, a_server, a_addr) = member(&listener, addr);
    let (mut b, b_server, b_addr) = member(&listener, addr);
    room.join(a_addr, a_server).unwrap();
    room.join(b_addr, b_server).unwrap();
    read_line(&mut a);
    read_line(&mut b);
    // A joined first: leaving removes A, whatever its place in the room.
    room.leave(a_addr);
    assert_eq!(room.len(), 1);
    room.broadcast(b_addr, "is anyone there?");
    // The room no longer holds A's stream: A's connection is closed, with
    // nothing more sent on it.
    let rest = read_to_close(&mut a);
    assert!(
        rest.is_empty(),
        "a member who left got {:?}: leave removes the member at that address",
        String::from_utf8_lossy(&rest)
    );
    room.leave(a_addr); // leaving twice is harmless
    assert_eq!(room.len(), 1);
}

#[test]
fn a_member_whose_connection_is_gone_is_dropped() {
    let (listener, addr) = listener();
    let room = Room::new();
    let (mut a, a_server, a_addr) = member(&listener, addr);
    let (gone, gone_server, gone_addr) = member(&listener, addr);
    room.join(a_addr, a_server).unwrap();
    room.join(gone_addr, gone_server).unwrap();
    read_line(&mut a);
    drop(gone);
    // Writing to a closed connection fails once the peer's reset is back.
    let deadline = Instant::now() + LIMIT;
    while room.len() == 2 {
        assert!(
            Instant::now() < deadline,
            "the gone member was never dropped: a member whose write fails leaves the room"
        );
        room.broadcast(a_addr, "ping");
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(room.len(), 1);
}

#[test]
fn the_server_relays_lines_between_clients_on_threads() {
    let (listener, addr) = listener();
    let room = Arc::new(Room::new());
    let server = {
        let room = Arc::clone(&room);
        spawn("serve", move || serve(&listener, room, 3))
    };
    let mut clients: Vec<TcpStream> = Vec::new();
    for n in 1..=3 {
        let mut client = connect(addr);
        let me = client.local_addr().unwrap();
        // Each waits for its welcome: then it is in the room.
        assert_eq!(read_line(&mut client), format!("welcome {me}, {n} here\n"));
        clients.push(client);
    }
    let a = clients[0].local_addr().unwrap();
    clients[0].write_all("你好\n".as_bytes()).unwrap();
    assert_eq!(read_line(&mut clients[1]), format!("{a}: 你好\n"));
    assert_eq!(read_line(&mut clients[2]), format!("{a}: 你好\n"));
    drop(clients);
    server.join().expect("serve failed");
    assert!(room.is_empty(), "everyone left");
}

#[test]
fn lines_from_many_clients_at_once_never_interleave() {
    const CLIENTS: usize = 4;
    const LINES: usize = 50;
    let (listener, addr) = listener();
    let room = Arc::new(Room::new());
    let server = spawn("serve", move || serve(&listener, room, CLIENTS));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let mut client = connect(addr);
        read_line(&mut client); // the welcome: joined
        clients.push(client);
    }
    // Everyone has been welcomed, so everyone is in: all talk at once.
    let talkers: Vec<_> = clients
        .iter()
        .map(|client| {
            let mut writer = client.try_clone().unwrap();
            let me = client.local_addr().unwrap();
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
    for client in &mut clients {
        for _ in 0..LINES * (CLIENTS - 1) {
            let line = read_line(client);
            // "<from>: <from> line NN xxxx...\n", whole.
            let (from, rest) = line.split_once(": ").expect("a line has a sender");
            let expected_tail = format!(" {}\n", "x".repeat(40));
            assert!(
                rest.starts_with(&format!("{from} line "))
                    && rest.ends_with(&expected_tail)
                    && rest.len() == from.len() + 8 + expected_tail.len(),
                "a garbled line: {line:?}"
            );
        }
    }
    drop(clients);
    server.join().expect("serve failed");
}

#[test]
fn a_gone_member_in_the_middle_does_not_cost_the_next_one_a_line() {
    let (listener, addr) = listener();
    let room = Room::new();
    let (mut a, a_server, a_addr) = member(&listener, addr);
    let (gone, gone_server, gone_addr) = member(&listener, addr);
    let (mut c, c_server, c_addr) = member(&listener, addr);
    // The gone member is in the middle of the room, not at its end.
    room.join(a_addr, a_server).unwrap();
    room.join(gone_addr, gone_server).unwrap();
    room.join(c_addr, c_server).unwrap();
    read_line(&mut a);
    read_line(&mut c);
    drop(gone);
    let deadline = Instant::now() + LIMIT;
    let mut sent = 0;
    while room.len() == 3 {
        assert!(
            Instant::now() < deadline,
            "the gone member was never dropped"
        );
        room.broadcast(a_addr, &format!("ping {sent}"));
        sent += 1;
        thread::sleep(Duration::from_millis(20));
    }
    room.broadcast(a_addr, &format!("ping {sent}"));
    sent += 1;
    for i in 0..sent {
        assert_eq!(
            read_line(&mut c),
            format!("{a_addr}: ping {i}\n"),
            "the member after the gone one missed a line: removing from a list while \
             walking it by index skips the next member (retain_mut keeps the walk right)"
        );
    }
}

#[test]
fn a_member_whose_connection_resets_does_not_stop_the_server() {
    let (listener, addr) = listener();
    let room = Arc::new(Room::new());
    let server = spawn("serve", move || serve(&listener, room, 3));
    let mut a = connect(addr);
    read_line(&mut a);
    // The second member closes with its welcome unread: the system answers
    // such a close with a reset (RST), so its thread's read fails with
    // ConnectionReset, and serve_client returns that error.
    let rude = connect(addr);
    let mut byte = [0u8; 1];
    assert_eq!(rude.peek(&mut byte).expect("the welcome arrives"), 1);
    drop(rude);
    // Time for its thread to read the reset: a broadcast written to it
    // first would take the error, and the thread would see a plain end.
    thread::sleep(Duration::from_millis(300));
    let mut b = connect(addr);
    read_line(&mut b);
    a.write_all(b"still here\n").unwrap();
    let a_addr = a.local_addr().unwrap();
    assert_eq!(read_line(&mut b), format!("{a_addr}: still here\n"));
    drop(a);
    drop(b);
    server.join().expect(
        "serve failed after one member's connection was reset: a member's error must not \
         stop the server (is there a `?` on what a thread returned?)",
    );
}
