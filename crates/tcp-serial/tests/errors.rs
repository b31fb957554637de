//! Every mistake a learner can make gets one clear line and a non-zero exit,
//! and no client, however it misbehaves, takes the server down.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::thread;

use common::Encoding;
use tcp_serial::DEFAULT_REPLY;
use testkit::{connect, read_exact_text, read_to_close, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-serial-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-serial-client");

#[test]
fn client_without_a_server_says_how_to_start_one() {
    let port = testkit::free_port().to_string();
    run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "connection refused; is the server running? start it with: just run tcp-serial-server",
    );
}

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(SERVER, &["--port", &port], "").assert_one_line_error("already in use");
}

#[test]
fn invalid_port_is_rejected() {
    for program in [SERVER, CLIENT] {
        let out = run(program, &["--port", "abc"], "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(
            out.stderr
                .contains("invalid value 'abc' for '--port <PORT>'"),
            "{out:?}"
        );
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
fn unknown_encoding_lists_the_known_ones() {
    for program in [SERVER, CLIENT] {
        let out = run(program, &["--encoding", "latin1"], "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stderr.contains("invalid value 'latin1'"), "{out:?}");
        assert!(
            out.stderr.contains("[possible values: utf-8, gbk]"),
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

/// A server binary on a free port, started with `args`.
fn server(args: &[&str]) -> (Proc, SocketAddr) {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    let mut server = Proc::spawn(SERVER, &all);
    let addr = server.listening_addr();
    (server, addr)
}

/// A well-behaved client after a bad one still gets its answer.
fn assert_still_serving(mut server: Proc, addr: SocketAddr) {
    let mut stream = connect(addr);
    stream.write_all("还在吗".as_bytes()).unwrap();
    assert_eq!(
        read_exact_text(&mut stream, DEFAULT_REPLY.len()),
        DEFAULT_REPLY
    );
    let me = stream.local_addr().unwrap();
    drop(stream);
    server.wait_for_stdout(&format!("done serving {me}"));
    assert!(server.is_running());
}

#[test]
fn server_survives_a_client_that_closes_at_once() {
    for args in [&[][..], &["--once"][..]] {
        let (mut server, addr) = server(args);
        let stream = connect(addr);
        let me = stream.local_addr().unwrap();
        drop(stream);
        server.wait_for_stdout(&format!("done serving {me}"));
        assert_still_serving(server, addr);
    }
}

#[test]
fn server_shows_invalid_text_lossily_and_goes_on() {
    for encoding in [Encoding::Utf8, Encoding::Gbk] {
        let name = if encoding == Encoding::Gbk {
            "gbk"
        } else {
            "utf-8"
        };
        let (mut server, addr) = server(&["--encoding", name]);
        let mut stream = connect(addr);
        // 0xFF is neither UTF-8 nor the first byte of a GBK character.
        stream.write_all(b"ok \xff end").unwrap();
        let expected = encoding.encode(DEFAULT_REPLY);
        let mut reply = vec![0u8; expected.len()];
        stream.read_exact(&mut reply).unwrap();
        assert_eq!(reply, expected, "{name}");
        drop(stream);
        server.wait_for_stdout("received: ok \u{FFFD} end");
        // The next client, in plain ASCII (the same bytes in both encodings).
        let mut stream = connect(addr);
        let me = stream.local_addr().unwrap();
        stream.write_all(b"next").unwrap();
        stream.read_exact(&mut reply).unwrap();
        assert_eq!(reply, expected, "{name}");
        drop(stream);
        server.wait_for_stdout(&format!("done serving {me}"));
    }
}

#[test]
fn server_echoes_a_200_kb_message_in_1024_byte_reads() {
    // What the benchmark runs: --echo --quiet.
    let (mut server, addr) = server(&["--echo", "--quiet"]);
    let mut stream = connect(addr);
    let me = stream.local_addr().unwrap();
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
    let out = server.wait_for_stdout(&format!("done serving {me}"));
    assert!(!out.contains("received"), "--quiet: {out}");
    assert!(!out.contains("bytes arrived"), "--quiet: {out}");
    // And the next client is served.
    let mut stream = connect(addr);
    stream.write_all(b"small").unwrap();
    assert_eq!(read_exact_text(&mut stream, 5), "small");
}

#[test]
fn server_with_once_survives_a_200_kb_message() {
    // One read, one answer, close with 199 KB unread: the client may see a
    // reset instead of the answer. The server only must go on.
    let (mut server, addr) = server(&["--once"]);
    let mut stream = connect(addr);
    let me = stream.local_addr().unwrap();
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        thread::spawn(move || {
            let _ = stream.write_all(&vec![b'x'; 200 * 1024]); // fails once closed
        })
    };
    let mut buf = [0u8; 64];
    let _ = stream.read(&mut buf);
    writer.join().unwrap();
    let out = server.wait_for_stdout(&format!("done serving {me}"));
    let received = out.lines().find(|l| l.starts_with("received: ")).unwrap();
    assert_eq!(received.len(), "received: ".len() + 1024, "one recv(1024)");
    assert!(
        out.contains("(1024 bytes arrived, the buffer is full:"),
        "{out}"
    );
    assert!(out.contains("but this server reads once)"), "--once: {out}");
    assert_still_serving(server, addr);
}

#[test]
fn server_reports_a_client_that_resets_and_goes_on() {
    let (mut server, addr) = server(&[]);
    let mut stream = connect(addr);
    let me = stream.local_addr().unwrap();
    stream.write_all(b"x").unwrap();
    // Wait until the answer has arrived, without reading it; closing with
    // unread data makes the kernel send a reset instead of a normal close.
    let mut peeked = [0u8; 1];
    assert_eq!(stream.peek(&mut peeked).unwrap(), 1);
    drop(stream);
    let out = server.wait_for_stdout(&format!("done serving {me}"));
    assert!(
        out.contains(&format!(
            "reading from {me} failed: the connection was reset by the other side\n"
        )),
        "{out}"
    );
    assert_still_serving(server, addr);
}

#[test]
fn server_answers_a_half_closed_client() {
    let (mut server, addr) = server(&[]);
    let mut stream = connect(addr);
    let me = stream.local_addr().unwrap();
    stream.write_all(b"half").unwrap();
    // "I have nothing more to say" -- but the client still listens.
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_close(&mut stream), DEFAULT_REPLY.as_bytes());
    server.wait_for_stdout(&format!("done serving {me}"));
    assert_still_serving(server, addr);
}
