//! tcp-loop end to end: in-process on port 0, then the real binaries.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::thread;
use std::time::Duration;

use common::{LineSource, Reply};
use tcp_loop::{client, server};
use testkit::{connect, read_exact_text, read_to_close, run, Proc};
use testkit::{shared_out, Printed};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-loop-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-loop-client");

/// Runs `serve_forever` on a port-0 listener in a thread, with `typed` as
/// the person's input; returns its address, its output and its result.
fn serve_in_thread(
    reply: Reply,
    typed: &'static str,
) -> (SocketAddr, Printed, thread::JoinHandle<anyhow::Result<()>>) {
    let listener = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let (mut out, printed) = shared_out();
    let handle = thread::spawn(move || {
        let mut input = LineSource::reader(typed.as_bytes(), true);
        server::serve_forever(&listener, &reply, &mut input, &mut out)
    });
    (addr, printed, handle)
}

#[test]
fn server_answers_every_message_until_the_client_leaves_then_serves_the_next() {
    let (addr, mut printed, _server) = serve_in_thread(Reply::Echo, "");
    let mut first = connect(addr);
    for message in ["one", "两个", "three"] {
        first.write_all(message.as_bytes()).unwrap();
        assert_eq!(read_exact_text(&mut first, message.len()), message);
    }
    drop(first);
    let text = printed.wait_for("left; waiting for the next client");
    assert!(text.contains("received: 两个"), "{text}");

    let mut second = connect(addr);
    second.write_all(b"next").unwrap();
    assert_eq!(read_exact_text(&mut second, 4), "next");
    let text = printed.wait_for_count("client connected: 127.0.0.1:", 2);
    assert!(text.contains("received: next"), "{text}");
}

#[test]
fn typed_replies_and_the_end_of_input_stop_the_server() {
    // The empty line is asked again rather than sent as nothing.
    let (addr, mut printed, server) = serve_in_thread(Reply::Typed, "first\n\nsecond\n");
    let mut stream = connect(addr);
    stream.write_all(b"a").unwrap();
    assert_eq!(read_exact_text(&mut stream, 5), "first");
    stream.write_all(b"b").unwrap();
    assert_eq!(read_exact_text(&mut stream, 6), "second");
    // No third reply typed: the server closes this client and returns.
    stream.write_all(b"c").unwrap();
    assert_eq!(read_to_close(&mut stream), b"");
    server.join().unwrap().unwrap();
    let text = printed.wait_for("no more replies");
    assert!(text.contains("reply> \nreply> second\n"), "{text}");
}

#[test]
fn a_character_split_across_two_writes_arrives_intact() {
    let (addr, mut printed, _server) = serve_in_thread(Reply::Echo, "");
    let mut stream = connect(addr);
    let bytes = "ab你cd".as_bytes(); // 你 is bytes 2..5
    stream.write_all(&bytes[..3]).unwrap();
    // The server has read the first part on its own before the rest is sent.
    printed.wait_for("received: ab\n");
    stream.write_all(&bytes[3..]).unwrap();
    assert_eq!(read_exact_text(&mut stream, bytes.len()), "ab你cd");
    let text = printed.wait_for("received: 你cd\n");
    assert!(!text.contains('\u{FFFD}'), "{text}");

    // A read holding nothing but the first byte of a character: nothing is
    // printed or answered until the rest arrives. (The pause makes two reads
    // likely; if they merge, the test still holds.)
    stream.write_all(&"好".as_bytes()[..1]).unwrap();
    thread::sleep(Duration::from_millis(100));
    stream.write_all(&"好".as_bytes()[1..]).unwrap();
    assert_eq!(read_exact_text(&mut stream, 3), "好");
    let text = printed.wait_for("received: 好\n");
    assert!(!text.contains('\u{FFFD}'), "{text}");
}

/// A peer that answers every message with `re:` + the message, until the
/// client closes; returns the messages it received.
fn answering_peer() -> (u16, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(testkit::TIMEOUT)).unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = conn.read(&mut buf).unwrap();
            if n == 0 {
                return received;
            }
            let message = String::from_utf8(buf[..n].to_vec()).unwrap();
            conn.write_all(format!("re:{message}").as_bytes()).unwrap();
            received.push(message);
        }
    });
    (port, handle)
}

#[test]
fn client_sends_each_line_and_prints_each_reply_until_quit() {
    let (port, peer) = answering_peer();
    let stream = client::connect("127.0.0.1", port).unwrap();
    let lines = ["one", "", "  二  ", "quit", "never sent"];
    let mut typed = LineSource::scripted(lines.map(String::from));
    let mut out = Vec::new();
    client::talk(stream, &mut typed, &mut out).unwrap();
    // Empty lines are skipped, lines are trimmed, `quit` stops.
    assert_eq!(peer.join().unwrap(), ["one", "二"]);
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("reply: re:one\n"), "{out}");
    assert!(out.contains("reply: re:二\n"), "{out}");
    assert!(!out.contains("never sent"), "{out}");
}

#[test]
fn client_stops_cleanly_at_the_end_of_input() {
    let (port, peer) = answering_peer();
    let stream = client::connect("127.0.0.1", port).unwrap();
    let mut typed = LineSource::reader(&b"only\n"[..], true);
    let mut out = Vec::new();
    client::talk(stream, &mut typed, &mut out).unwrap();
    assert_eq!(peer.join().unwrap(), ["only"]);
}

#[test]
fn client_prints_a_reply_split_inside_a_character_intact() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let _ = conn.read(&mut buf).unwrap();
        let reply = "收到".as_bytes();
        conn.write_all(&reply[..1]).unwrap();
        thread::sleep(Duration::from_millis(100));
        conn.write_all(&reply[1..]).unwrap();
    });
    let stream = client::connect("127.0.0.1", port).unwrap();
    let mut typed = LineSource::scripted(["hi".to_string()]);
    let mut out = Vec::new();
    client::talk(stream, &mut typed, &mut out).unwrap();
    peer.join().unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("reply: 收到\n"), "{out}");
}

#[test]
fn client_reports_a_server_that_hangs_up_mid_conversation() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let _ = conn.read(&mut buf).unwrap();
        conn.write_all(b"first and last").unwrap();
        conn.shutdown(Shutdown::Both).unwrap();
    });
    let stream = client::connect("127.0.0.1", port).unwrap();
    let mut typed = LineSource::scripted(["one".to_string(), "two".to_string()]);
    let mut out = Vec::new();
    let err = client::talk(stream, &mut typed, &mut out).unwrap_err();
    peer.join().unwrap();
    let err = format!("{err:#}");
    assert!(
        err.contains("closed the connection before replying") || err.contains("reset"),
        "{err}"
    );
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("reply: first and last"));
}

#[test]
fn binaries_talk_to_each_other_and_the_server_serves_the_next_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--echo"]);
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port], "hello\n\n你好\nquit\n").assert_success();
    assert!(client.stdout.contains("reply: hello\n"), "{client:?}");
    assert!(client.stdout.contains("reply: 你好\n"), "{client:?}");
    server.wait_for_stdout("left; waiting for the next client");

    let client = run(CLIENT, &["--port", &port, "-m", "again", "-m", "再来"], "").assert_success();
    assert!(client.stdout.contains("reply: 再来\n"), "{client:?}");
    let server = server.kill();
    assert_eq!(
        server.stdout.matches("client connected: ").count(),
        2,
        "{server:?}"
    );
    assert!(server.stdout.contains("received: 你好\n"), "{server:?}");
}

#[test]
fn server_binary_stops_when_typed_replies_end() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let mut client = Proc::spawn(CLIENT, &["--port", &port]);
    client.type_text("question\n");
    server.wait_for_stdout("received: question");
    server.type_text("answer\n");
    client.wait_for_stdout("reply: answer");
    // The person at the server is done: the next message gets no answer,
    // the server closes the connection and exits 0.
    server.close_stdin();
    client.type_text("another\n");
    let server = server.finish().assert_success();
    assert!(server.stdout.contains("no more replies"), "{server:?}");
    client
        .finish()
        .assert_one_line_error("closed the connection before replying");
}

#[test]
fn rust_log_debug_traces_each_socket_step() {
    let mut command = std::process::Command::new(SERVER);
    command
        .args(["--port", "0", "--echo"])
        .env("RUST_LOG", "debug");
    let mut server = Proc::from_command(command);
    let port = server.listening_addr().port().to_string();
    let mut command = std::process::Command::new(CLIENT);
    command
        .args(["--port", &port, "-m", "hello"])
        .env("RUST_LOG", "debug");
    let client = Proc::from_command(command).finish().assert_success();
    for step in [
        "socket, connect: ",
        "write 5 bytes to ",
        "read 5 bytes from ",
        "close",
    ] {
        assert!(client.stderr.contains(step), "{step:?}: {client:?}");
    }
    server.wait_for_stderr("close: ");
    let server = server.kill();
    for step in [
        "socket, bind, listen: ",
        "accept: ",
        "read 5 bytes from ",
        "write 5 bytes to ",
        "read 0 bytes from ",
    ] {
        assert!(server.stderr.contains(step), "{step:?}: {server:?}");
    }
}
