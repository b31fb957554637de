//! The tests `just check 06` runs: datagrams on real loopback sockets.

use exercise_support as support;

use std::time::{Duration, Instant};

use support::{recv_from_running, spawn, udp_socket, LIMIT};
use udp_echo::{ask, serve, MAX_DATAGRAM};

#[test]
fn serve_answers_each_sender_with_its_own_datagram() {
    let (server_socket, server) = udp_socket();
    let running = spawn("serve", move || serve(&server_socket, 2));
    let (a, a_addr) = udp_socket();
    let (b, b_addr) = udp_socket();
    a.send_to("from a 你好".as_bytes(), server).unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = recv_from_running(&a, &mut buf, &running);
    assert_eq!(&buf[..n], "from a 你好".as_bytes());
    assert_eq!(
        from, server,
        "the answer comes from the server's own socket: its address is how the client \
         knows who answered"
    );
    b.send_to(b"from b", server).unwrap();
    let (n, _) = recv_from_running(&b, &mut buf, &running);
    assert_eq!(&buf[..n], b"from b");
    let received = running.join().expect("serve failed");
    assert_eq!(
        received,
        [
            (a_addr, "from a 你好".to_string()),
            (b_addr, "from b".to_string())
        ]
    );
}

#[test]
fn serve_takes_the_largest_datagram_whole() {
    let (server_socket, server) = udp_socket();
    let running = spawn("serve", move || serve(&server_socket, 1));
    let (client, _) = udp_socket();
    let big = vec![b'x'; MAX_DATAGRAM];
    client.send_to(&big, server).unwrap();
    let mut buf = vec![0u8; MAX_DATAGRAM + 1];
    let (n, _) = recv_from_running(&client, &mut buf, &running);
    assert_eq!(n, MAX_DATAGRAM, "a smaller buffer cuts the datagram short");
    let received = running.join().expect("serve failed");
    assert_eq!(received[0].1.len(), MAX_DATAGRAM);
}

#[test]
fn ask_returns_the_answer() {
    let (server_socket, server) = udp_socket();
    let peer = spawn("the test's server", move || {
        let mut buf = [0u8; 64];
        let (n, from) = server_socket.recv_from(&mut buf).unwrap();
        server_socket.send_to(b"pong", from).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    let (client, _) = udp_socket();
    let answer = ask(&client, server, "ping", LIMIT).expect("ask failed");
    assert_eq!(answer.as_deref(), Some("pong"));
    assert_eq!(peer.join(), "ping");
}

#[test]
fn ask_gives_up_when_nobody_answers() {
    // Bound, so the datagram is delivered, but never answered.
    let (_silent, server) = udp_socket();
    let (client, _) = udp_socket();
    let asking = spawn("ask", move || {
        let started = Instant::now();
        (
            ask(&client, server, "hello?", Duration::from_millis(300)),
            started.elapsed(),
        )
    });
    let (answer, waited) = asking.join();
    assert_eq!(answer.expect("no answer is not an error"), None);
    // Margins: a timer may fire a little early on some systems, and a busy
    // machine may wake the thread late; a fixed 2-second wait is still caught.
    assert!(
        waited >= Duration::from_millis(250),
        "gave up after {waited:?}, before the 300 ms `wait`: nothing could have answered yet"
    );
    assert!(
        waited < Duration::from_millis(1500),
        "waited {waited:?} although `wait` was 300 ms: wait at most `wait`, not a fixed time"
    );
}

#[test]
fn ask_gives_up_when_nobody_listens() {
    // A port that was free a moment ago: nobody listens there now.
    let server = udp_socket().1;
    let (client, _) = udp_socket();
    let asking = spawn("ask", move || {
        ask(&client, server, "anyone?", Duration::from_millis(300))
    });
    assert_eq!(asking.join().expect("no answer is not an error"), None);
}

#[test]
fn serve_and_ask_talk_to_each_other() {
    let (server_socket, server) = udp_socket();
    let running = spawn("serve", move || serve(&server_socket, 3));
    let (client, _) = udp_socket();
    for text in ["one", "two", "三"] {
        let answer = ask(&client, server, text, LIMIT).expect("ask failed");
        assert_eq!(answer.as_deref(), Some(text));
    }
    assert_eq!(running.join().expect("serve failed").len(), 3);
}
