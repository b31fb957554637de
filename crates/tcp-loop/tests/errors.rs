//! Every mistake a learner can make gets one clear line and a non-zero exit,
//! and no client, however it misbehaves, takes the server down.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::thread;

use testkit::{connect, read_exact_text, read_to_close, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-loop-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-loop-client");

#[test]
fn client_without_a_server_says_how_to_start_one() {
    let port = testkit::free_port().to_string();
    run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "connection refused; is the server running? start it with: just run tcp-loop-server",
    );
}

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(SERVER, &["--port", &port, "--echo"], "").assert_one_line_error("already in use");
}

#[test]
fn invalid_port_is_rejected() {
    for program in [SERVER, CLIENT] {
        let out = run(program, &["--port", "70000"], "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(
            out.stderr
                .contains("invalid value '70000' for '--port <PORT>'"),
            "{out:?}"
        );
    }
}

#[test]
fn unknown_host_is_reported() {
    run(CLIENT, &["--host", "no-such-host.invalid", "-m", "hi"], "")
        .assert_one_line_error("unknown host");
}

#[test]
fn client_reports_a_peer_that_resets_mid_conversation() {
    // Answers the first message, then reads 1 byte of the second and closes
    // with the rest unread, which makes Linux send a reset (RST).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 3];
        conn.read_exact(&mut buf).unwrap();
        conn.write_all(b"ok").unwrap();
        let mut one = [0u8; 1];
        conn.read_exact(&mut one).unwrap();
    });
    let mut client = Proc::spawn(CLIENT, &["--port", &port.to_string()]);
    client.type_text("one\n");
    client.wait_for_stdout("reply: ok");
    client.type_text("second message\n");
    peer.join().unwrap();
    // Depending on timing the client sees the reset or the close.
    client.finish().assert_server_hung_up();
}

/// A `--echo` server binary on a free port.
fn echo_server() -> (Proc, SocketAddr) {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--echo"]);
    let addr = server.listening_addr();
    (server, addr)
}

/// A well-behaved client after a bad one still gets its answer.
fn assert_still_serving(mut server: Proc, addr: SocketAddr) {
    let mut stream = connect(addr);
    stream.write_all("still there? 还在吗".as_bytes()).unwrap();
    assert_eq!(
        read_exact_text(&mut stream, "still there? 还在吗".len()),
        "still there? 还在吗"
    );
    let me = stream.local_addr().unwrap();
    drop(stream);
    server.wait_for_stdout(&format!("{me} left; waiting for the next client"));
    assert!(server.is_running());
}

#[test]
fn server_survives_a_client_that_closes_at_once() {
    let (mut server, addr) = echo_server();
    drop(connect(addr));
    server.wait_for_stdout("left; waiting for the next client");
    assert_still_serving(server, addr);
}

#[test]
fn server_shows_invalid_utf8_lossily_and_goes_on() {
    let (mut server, addr) = echo_server();
    let mut stream = connect(addr);
    stream.write_all(b"ok \xff end").unwrap();
    // The echo is the text the server decoded: U+FFFD is 3 bytes in UTF-8.
    assert_eq!(read_exact_text(&mut stream, 10), "ok \u{FFFD} end");
    drop(stream);
    server.wait_for_stdout("received: ok \u{FFFD} end");
    server.wait_for_stdout("left");
    assert_still_serving(server, addr);
}

#[test]
fn server_reads_a_200_kb_message_in_1024_byte_reads() {
    let (mut server, addr) = echo_server();
    let mut stream = connect(addr);
    let big = vec![b'x'; 200 * 1024];
    // Write on a thread while reading the echo here: otherwise both sides
    // would block once the socket buffers are full.
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        let big = big.clone();
        thread::spawn(move || {
            stream.write_all(&big).unwrap();
            stream.shutdown(Shutdown::Write).unwrap();
        })
    };
    assert_eq!(read_to_close(&mut stream), big, "every byte echoed");
    writer.join().unwrap();
    let out = server.wait_for_stdout("left; waiting for the next client");
    let reads: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("received: "))
        .collect();
    assert!(reads.len() >= 200, "at least 200 reads: {}", reads.len());
    assert!(reads.iter().all(|l| l.len() <= "received: ".len() + 1024));
    // Each full read is named, and where the rest of the message is.
    assert!(
        out.contains("(1024 bytes arrived, the buffer is full: the rest of a longer message comes in the next read)"),
        "{out}"
    );
    assert_still_serving(server, addr);
}

#[test]
fn server_reports_a_client_that_resets_and_goes_on() {
    let (mut server, addr) = echo_server();
    let mut stream = connect(addr);
    stream.write_all(b"x").unwrap();
    // Wait until the echo has arrived, without reading it; closing with
    // unread data makes the kernel send a reset instead of a normal close.
    let mut peeked = [0u8; 1];
    assert_eq!(stream.peek(&mut peeked).unwrap(), 1);
    drop(stream);
    server.wait_for_stdout(
        "failed: the connection was reset by the other side; waiting for the next client",
    );
    assert_still_serving(server, addr);
}

#[test]
fn server_answers_a_half_closed_client() {
    let (mut server, addr) = echo_server();
    let mut stream = connect(addr);
    stream.write_all(b"half").unwrap();
    // "I have nothing more to say" -- but the client still listens.
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_close(&mut stream), b"half");
    server.wait_for_stdout("left; waiting for the next client");
    assert_still_serving(server, addr);
}
