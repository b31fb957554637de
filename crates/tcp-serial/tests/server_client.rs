//! tcp-serial end to end: in-process on port 0, then the real binaries.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::Duration;

use common::{Encoding, LineSource};
use tcp_serial::server::{self, Answer, Options};
use tcp_serial::{client, DEFAULT_REPLY};
use testkit::{connect, read_exact_text, read_to_close, run, Proc};
use testkit::{shared_out, Printed};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-serial-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-serial-client");

/// How long a client waits to be sure it is NOT answered yet.
const NOT_YET: Duration = Duration::from_millis(300);

/// Runs `serve_forever` on a port-0 listener in a thread (it never returns);
/// returns its address and what it prints.
fn serve_in_thread(options: Options) -> (SocketAddr, Printed) {
    let listener = server::bind("127.0.0.1", 0).expect("bind port 0");
    let addr = listener.local_addr().expect("local addr");
    let (mut out, printed) = shared_out();
    thread::spawn(move || server::serve_forever(&listener, &options, &mut out));
    (addr, printed)
}

/// Sends `message` and reads the default reply.
fn ask(stream: &mut std::net::TcpStream, message: &str) {
    stream.write_all(message.as_bytes()).unwrap();
    assert_eq!(read_exact_text(stream, DEFAULT_REPLY.len()), DEFAULT_REPLY);
}

#[test]
fn server_answers_every_message_until_the_client_closes() {
    let (addr, mut printed) = serve_in_thread(Options::default());
    let mut stream = connect(addr);
    let me = stream.local_addr().unwrap();
    ask(&mut stream, "one");
    ask(&mut stream, "二");
    drop(stream);
    let text = printed.wait_for_count("waiting for a client...", 2);
    let expected = format!(
        "waiting for a client...\nclient {me} arrived\nreceived: one\nreceived: 二\n\
         done serving {me}\nwaiting for a client...\n"
    );
    assert_eq!(text, expected);
}

#[test]
fn a_second_client_waits_until_the_first_is_done() {
    let (addr, mut printed) = serve_in_thread(Options::default());
    let mut first = connect(addr);
    let first_addr = first.local_addr().unwrap();
    ask(&mut first, "I was here first");

    // The second client's connect() succeeds: the kernel queues it...
    let mut second = connect(addr);
    let second_addr = second.local_addr().unwrap();
    second.write_all(b"me too").unwrap();
    // ...but nobody answers while the first client is connected.
    second.set_read_timeout(Some(NOT_YET)).unwrap();
    let mut buf = [0u8; 64];
    let err = second
        .read(&mut buf)
        .expect_err("no answer while client 1 is served");
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    // The first client is still served, the second not even accepted.
    ask(&mut first, "still me");
    let text = printed.so_far();
    assert!(
        !text.contains(&format!("client {second_addr} arrived")),
        "{text}"
    );
    assert!(!text.contains("me too"), "{text}");

    // The first client leaves: the second gets its answer right away.
    drop(first);
    second.set_read_timeout(Some(testkit::TIMEOUT)).unwrap();
    assert_eq!(
        read_exact_text(&mut second, DEFAULT_REPLY.len()),
        DEFAULT_REPLY
    );
    let text = printed.wait_for("received: me too");
    let done_first = text.find(&format!("done serving {first_addr}")).unwrap();
    let second_arrived = text.find(&format!("client {second_addr} arrived")).unwrap();
    assert!(done_first < second_arrived, "{text}");
}

#[test]
fn once_answers_one_message_per_client_then_closes() {
    let options = Options {
        once: true,
        ..Options::default()
    };
    let (addr, mut printed) = serve_in_thread(options);
    for message in ["first client", "second client"] {
        let mut stream = connect(addr);
        stream.write_all(message.as_bytes()).unwrap();
        // The answer, then the server closes: reading to the end gets just it.
        assert_eq!(read_to_close(&mut stream), DEFAULT_REPLY.as_bytes());
    }
    let text = printed.wait_for_count("done serving", 2);
    assert!(text.contains("received: second client"), "{text}");
}

#[test]
fn gbk_on_the_wire_both_ways() {
    let options = Options {
        encoding: Encoding::Gbk,
        ..Options::default()
    };
    let (addr, mut printed) = serve_in_thread(options);
    let mut stream = connect(addr);
    stream.write_all(&Encoding::Gbk.encode("你好")).unwrap();
    let reply = Encoding::Gbk.encode(DEFAULT_REPLY);
    assert_eq!(reply.len(), 13, "6 two-byte characters and `~`");
    let mut got = vec![0u8; reply.len()];
    stream.read_exact(&mut got).unwrap();
    assert_eq!(got, reply);
    printed.wait_for("received: 你好\n");
}

#[test]
fn a_character_split_across_two_writes_arrives_intact() {
    for encoding in [Encoding::Utf8, Encoding::Gbk] {
        let options = Options {
            answer: Answer::Echo,
            encoding,
            ..Options::default()
        };
        let (addr, mut printed) = serve_in_thread(options);
        let mut stream = connect(addr);
        let bytes = encoding.encode("ab你cd");
        // "ab" and the first byte of 你; the server reads it on its own.
        stream.write_all(&bytes[..3]).unwrap();
        printed.wait_for("received: ab\n");
        stream.write_all(&bytes[3..]).unwrap();
        let mut echoed = vec![0u8; bytes.len()];
        stream.read_exact(&mut echoed).unwrap();
        assert_eq!(echoed, bytes, "{encoding:?}");
        let text = printed.wait_for("received: 你cd\n");
        assert!(!text.contains('\u{FFFD}'), "{encoding:?}: {text}");
    }
}

#[test]
fn quiet_prints_clients_but_not_messages() {
    let options = Options {
        answer: Answer::Echo,
        quiet: true,
        ..Options::default()
    };
    let (addr, mut printed) = serve_in_thread(options);
    let mut stream = connect(addr);
    stream.write_all(b"secret").unwrap();
    assert_eq!(read_exact_text(&mut stream, 6), "secret");
    drop(stream);
    let text = printed.wait_for("done serving");
    assert!(text.contains("arrived"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[test]
fn client_speaks_the_chosen_encoding() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).unwrap();
        conn.write_all(&Encoding::Gbk.encode("收到")).unwrap();
        buf[..n].to_vec()
    });
    let stream = client::connect("127.0.0.1", port).unwrap();
    let mut typed = LineSource::scripted(["  你好  ".to_string(), "quit".to_string()]);
    let mut out = Vec::new();
    client::talk(stream, Encoding::Gbk, &mut typed, &mut out).unwrap();
    assert_eq!(peer.join().unwrap(), Encoding::Gbk.encode("你好"));
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("reply: 收到\n"), "{out}");
}

#[test]
fn client_reports_a_once_server_that_closed_after_one_answer() {
    let options = Options {
        once: true,
        ..Options::default()
    };
    let (addr, _printed) = serve_in_thread(options);
    let stream = client::connect("127.0.0.1", addr.port()).unwrap();
    let mut typed = LineSource::scripted(["one".to_string(), "two".to_string()]);
    let mut out = Vec::new();
    let err = client::talk(stream, Encoding::Utf8, &mut typed, &mut out).unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains("closed the connection before replying") || err.contains("reset"),
        "{err}"
    );
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains(&format!("reply: {DEFAULT_REPLY}\n")), "{out}");
}

#[test]
fn binaries_talk_to_each_other() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port], "hello\n\n你好\nquit\n").assert_success();
    assert_eq!(
        client.stdout.matches("reply: 收到您的信息~\n").count(),
        2,
        "{client:?}"
    );
    server.wait_for_stdout("done serving");
    let client = run(CLIENT, &["--port", &port, "-m", "again"], "").assert_success();
    assert!(client.stdout.contains("reply: 收到您的信息~"), "{client:?}");
    let server = server.kill();
    assert_eq!(server.stdout.matches("arrived").count(), 2, "{server:?}");
    assert!(server.stdout.contains("received: 你好\n"), "{server:?}");
}

#[test]
fn binaries_show_the_second_client_waiting() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "served"]);
    let port = server.listening_addr().port().to_string();
    let mut first = Proc::spawn(CLIENT, &["--port", &port]);
    first.type_text("first\n");
    first.wait_for_stdout("reply: served");

    let mut second = Proc::spawn(CLIENT, &["--port", &port]);
    second.type_text("second\n");
    second.wait_for_stdout("connected to");
    second.wait_for_stdout("message> second");
    // Nothing comes back while the first client is connected.
    thread::sleep(NOT_YET);
    assert!(
        !second.stdout_so_far().contains("reply:"),
        "answered too early"
    );
    assert!(!server.stdout_so_far().contains("received: second"));

    // The first client quits; the second one's answer follows.
    first.type_text("quit\n");
    first.finish().assert_success();
    second.wait_for_stdout("reply: served");
    second.finish().assert_success();
    let server = server.wait_for_stdout_count("done serving", 2);
    let lines: Vec<&str> = server
        .lines()
        .filter(|l| !l.starts_with("listening"))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "waiting",
            "client",
            "received:",
            "done", // the first client
            "waiting",
            "client",
            "received:",
            "done", // then the second
            "waiting",
        ],
        "{server}"
    );
}

#[test]
fn rust_log_debug_traces_each_socket_step() {
    let mut command = std::process::Command::new(SERVER);
    command
        .args(["--port", "0", "--encoding", "gbk"])
        .env("RUST_LOG", "debug");
    let mut server = Proc::from_command(command);
    let port = server.listening_addr().port().to_string();
    let mut command = std::process::Command::new(CLIENT);
    command
        .args(["--port", &port, "--encoding", "gbk", "-m", "你好"])
        .env("RUST_LOG", "debug");
    let client = Proc::from_command(command).finish().assert_success();
    // 你好 is 4 bytes in GBK; 收到您的信息~ is 13.
    for step in [
        "socket, connect: ",
        "write 4 bytes to ",
        "read 13 bytes from ",
        "close",
    ] {
        assert!(client.stderr.contains(step), "{step:?}: {client:?}");
    }
    server.wait_for_stderr("close: ");
    let server = server.kill();
    for step in [
        "socket, bind, listen: ",
        "accept: ",
        "read 4 bytes from ",
        "write 13 bytes to ",
        "read 0 bytes from ",
    ] {
        assert!(server.stderr.contains(step), "{step:?}: {server:?}");
    }
}
