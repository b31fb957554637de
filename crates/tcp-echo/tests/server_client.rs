//! tcp-echo end to end: in-process on port 0, then the real binaries.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::thread;

use common::{LineSource, Reply};
use tcp_echo::{client, server};
use testkit::{connect, read_to_close, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-echo-client");

/// Runs `serve_one` on a port-0 listener in a thread; returns its address and
/// a handle yielding what the server printed.
fn serve_in_thread(
    reply: Reply,
    typed: &'static str,
) -> (
    std::net::SocketAddr,
    thread::JoinHandle<(anyhow::Result<()>, String)>,
) {
    let listener = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let handle = thread::spawn(move || {
        let mut out = Vec::new();
        let mut input = LineSource::reader(typed.as_bytes(), true);
        let result = server::serve_one(&listener, &reply, &mut input, &mut out);
        (result, String::from_utf8_lossy(&out).into_owned())
    });
    (addr, handle)
}

#[test]
fn server_answers_one_message_then_closes() {
    let (addr, handle) = serve_in_thread(Reply::Fixed("pong".into()), "");
    let mut stream = connect(addr);
    stream.write_all("ping 你好".as_bytes()).unwrap();
    // The server answers and closes: reading to the end gets exactly the reply.
    assert_eq!(read_to_close(&mut stream), b"pong");
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    assert!(out.contains("client address: 127.0.0.1:"), "{out}");
    assert!(out.contains("received: ping 你好"), "{out}");
}

#[test]
fn server_sends_the_typed_reply() {
    let (addr, handle) = serve_in_thread(Reply::Typed, "typed answer\n");
    let mut stream = connect(addr);
    stream.write_all(b"question").unwrap();
    assert_eq!(read_to_close(&mut stream), b"typed answer");
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    assert!(out.contains("reply> typed answer"), "{out}");
}

#[test]
fn server_survives_a_client_that_closes_at_once() {
    let (addr, handle) = serve_in_thread(Reply::Echo, "");
    drop(connect(addr));
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    assert!(
        out.contains("closed the connection without sending anything"),
        "{out}"
    );
}

#[test]
fn server_shows_invalid_utf8_lossily() {
    let (addr, handle) = serve_in_thread(Reply::Echo, "");
    let mut stream = connect(addr);
    stream.write_all(b"ok \xff\xfe end").unwrap();
    let echoed = read_to_close(&mut stream);
    assert_eq!(
        String::from_utf8(echoed).unwrap(),
        "ok \u{FFFD}\u{FFFD} end"
    );
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    assert!(out.contains("received: ok \u{FFFD}\u{FFFD} end"), "{out}");
}

#[test]
fn server_reads_only_the_first_1024_bytes_of_a_huge_message() {
    let (addr, handle) = serve_in_thread(Reply::Fixed("ok".into()), "");
    let mut stream = connect(addr);
    // 200 KB: more than the server reads, and more than fits in one read.
    let big = vec![b'x'; 200 * 1024];
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        thread::spawn(move || {
            let _ = stream.write_all(&big); // may fail once the server closes
        })
    };
    let mut reply = [0u8; 2];
    // The reply may be lost to a reset (the server closes with unread data),
    // which is exactly what the book explains; only the server's survival
    // and its output are asserted.
    let _ = stream.read(&mut reply);
    writer.join().unwrap();
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    let received = out.lines().find(|l| l.starts_with("received: ")).unwrap();
    assert_eq!(received.len(), "received: ".len() + 1024, "one recv(1024)");
    // The full buffer is named, and where the rest would have been.
    assert!(
        out.contains("(1024 bytes arrived, the buffer is full:")
            && out.contains("but this server reads once)"),
        "{out}"
    );
}

#[test]
fn server_adds_no_note_to_a_message_shorter_than_its_buffer() {
    let (addr, handle) = serve_in_thread(Reply::Fixed("ok".into()), "");
    let mut stream = connect(addr);
    stream.write_all(&[b'y'; 1023]).unwrap();
    let mut reply = [0u8; 2];
    stream.read_exact(&mut reply).unwrap();
    let (result, out) = handle.join().unwrap();
    result.unwrap();
    assert!(
        out.contains(&format!("received: {}", "y".repeat(1023))),
        "{out}"
    );
    assert!(!out.contains("bytes arrived"), "{out}");
}

#[test]
fn client_sends_one_message_and_prints_the_reply() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).unwrap();
        conn.write_all(b"got it").unwrap();
        String::from_utf8(buf[..n].to_vec()).unwrap()
    });
    let stream = client::connect("127.0.0.1", addr.port()).unwrap();
    let mut typed = LineSource::scripted(["hello".to_string()]);
    let mut out = Vec::new();
    client::talk(stream, &mut typed, &mut out).unwrap();
    assert_eq!(peer.join().unwrap(), "hello");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("message> hello"), "{out}");
    assert!(out.contains("reply: got it"), "{out}");
}

#[test]
fn client_reports_a_server_that_closes_without_replying() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let _ = conn.read(&mut buf);
        conn.shutdown(Shutdown::Both).unwrap();
    });
    let stream = client::connect("127.0.0.1", addr.port()).unwrap();
    let mut typed = LineSource::scripted(["hello".to_string()]);
    let err = client::talk(stream, &mut typed, &mut Vec::new()).unwrap_err();
    assert!(
        err.to_string()
            .contains("closed the connection without replying"),
        "{err}"
    );
    peer.join().unwrap();
}

#[test]
fn binaries_talk_to_each_other() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "pong"]);
    let addr = server.listening_addr();
    let client = run(CLIENT, &["--port", &addr.port().to_string()], "ping\n").assert_success();
    assert!(
        client.stdout.contains(&format!("connected to {addr}")),
        "{client:?}"
    );
    assert!(client.stdout.contains("reply: pong"), "{client:?}");
    let server = server.finish().assert_success();
    assert!(server.stdout.contains("received: ping"), "{server:?}");
}

#[test]
fn server_binary_takes_the_reply_from_stdin() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let addr = server.listening_addr();
    server.type_text("typed by a person\n");
    let client = run(
        CLIENT,
        &["--port", &addr.port().to_string(), "--message", "hi"],
        "",
    )
    .assert_success();
    assert!(
        client.stdout.contains("reply: typed by a person"),
        "{client:?}"
    );
    server.finish().assert_success();
}
