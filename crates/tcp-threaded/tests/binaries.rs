//! The real binaries end to end: typed replies with two clients waiting,
//! the end of typed input, the cap as the client sees it, `--quiet`, and
//! hundreds of clients at once on small thread stacks.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::Command;
use std::thread;

use testkit::{connect, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-threaded-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-threaded-client");

/// The address the server printed for the client whose message was `text`
/// (from a line `from ADDR: text`).
fn sender_of(server_stdout: &str, text: &str) -> String {
    let line = server_stdout
        .lines()
        .find(|l| l.starts_with("from ") && l.ends_with(&format!(": {text}")))
        .unwrap_or_else(|| panic!("no line for {text:?} in:\n{server_stdout}"));
    line["from ".len()..line.len() - text.len() - 2].to_string()
}

/// The client named in the first prompt printed.
fn first_prompted(server_stdout: &str) -> String {
    let at = server_stdout.find("reply to ").expect("a prompt") + "reply to ".len();
    let rest = &server_stdout[at..];
    rest[..rest.find("> ").expect("prompt end")].to_string()
}

#[test]
fn binaries_talk_to_each_other() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "收到"]);
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port], "first\nsecond\nexit\n").assert_success();
    assert_eq!(
        client.stdout.matches("reply: 收到").count(),
        2,
        "{client:?}"
    );
    let out = server.wait_for_stdout("closed the connection (0 clients now)");
    let a = sender_of(&out, "老王:first");
    assert!(out.contains(&format!("from {a}: 老王:second")), "{out}");
    assert!(
        out.contains(&format!("{a} connected (1 client now)")),
        "{out}"
    );
}

#[test]
fn typed_replies_go_to_the_client_named_in_the_prompt() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let mut alice = Proc::spawn(CLIENT, &["--port", &port, "--name", "Alice"]);
    let mut bob = Proc::spawn(CLIENT, &["--port", &port, "--name", "Bob"]);
    alice.type_text("question one\n");
    bob.type_text("question two\n");
    // Both messages are in and the desk is asking about one of them.
    server.wait_for_stdout_count("from 127.0.0.1:", 2);
    let out = server.wait_for_stdout("reply to ");
    let alice_addr = sender_of(&out, "Alice:question one");
    let bob_addr = sender_of(&out, "Bob:question two");
    let (first, second) = if first_prompted(&out) == alice_addr {
        (alice_addr, bob_addr)
    } else {
        (bob_addr, alice_addr)
    };
    // Answer whoever the prompt names, with an answer naming them back.
    server.type_text(&format!("answer for {first}\n"));
    server.wait_for_stdout(&format!("reply to {second}> "));
    server.type_text(&format!("answer for {second}\n"));

    alice.wait_for_stdout("reply: answer for ");
    bob.wait_for_stdout("reply: answer for ");
    alice.type_text("exit\n");
    bob.type_text("exit\n");
    let alice = alice.finish().assert_success();
    let bob = bob.finish().assert_success();
    let out = server.stdout_so_far();
    let alice_addr = sender_of(&out, "Alice:question one");
    let bob_addr = sender_of(&out, "Bob:question two");
    assert!(
        alice
            .stdout
            .contains(&format!("reply: answer for {alice_addr}\n")),
        "{alice:?}"
    );
    assert!(
        bob.stdout
            .contains(&format!("reply: answer for {bob_addr}\n")),
        "{bob:?}"
    );
}

#[test]
fn end_of_typed_input_closes_the_clients_and_the_server_exits_0() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let mut client = Proc::spawn(CLIENT, &["--port", &port]);
    client.wait_for_stdout("message> ");
    server.close_stdin();
    // End of input is noticed at the next prompt, as Python's input() does.
    client.type_text("hello?\n");
    let client = client.finish();
    let server = server.finish().assert_success();
    assert!(
        server.stdout.contains("no more typed replies: closing"),
        "{server:?}"
    );
    client.assert_one_line_error("closed the connection");
}

#[test]
fn the_client_shows_a_refusal_clearly() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--echo", "--max-clients", "1"]);
    let addr = server.listening_addr();
    let mut first = connect(addr);
    server.wait_for_stdout("connected (1 client now)");
    run(
        CLIENT,
        &["--port", &addr.port().to_string(), "-m", "hi"],
        "",
    )
    .assert_one_line_error(
        "turned this client away: server busy: 1 client already connected, try again later",
    );
    // The first client never noticed.
    first.write_all(b"still here").unwrap();
    assert_eq!(testkit::read_exact_text(&mut first, 10), "still here");
}

#[test]
fn quiet_prints_only_the_listening_line() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--echo", "--quiet"]);
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port, "-m", "a", "-m", "b"], "").assert_success();
    assert!(client.stdout.contains("reply: 老王:b"), "{client:?}");
    let server = server.kill();
    assert_eq!(server.stdout.lines().count(), 1, "{server:?}");
    assert_eq!(server.stderr, "", "{server:?}");
}

#[test]
fn hundreds_of_clients_at_once_on_small_stacks_with_debug_logging() {
    // RUST_LOG=debug makes every client thread format log lines too: the
    // deepest stacks the server's threads use.
    let mut command = Command::new(SERVER);
    command
        .args(["--port", "0", "--echo", "--quiet"])
        .env("RUST_LOG", "debug");
    let mut server = Proc::from_command(command);
    let addr: SocketAddr = server.listening_addr();
    const CLIENTS: usize = 300;
    // Everyone connects first, so all are connected at the same time...
    let mut streams: Vec<_> = (0..CLIENTS).map(|_| connect(addr)).collect();
    // ...then each does a round trip on a thread of its own.
    let handles: Vec<_> = streams
        .drain(..)
        .enumerate()
        .map(|(i, mut s)| {
            thread::spawn(move || {
                let message = format!("client {i} says hi");
                s.write_all(message.as_bytes()).unwrap();
                let mut got = vec![0u8; message.len()];
                s.read_exact(&mut got).unwrap();
                assert_eq!(got, message.as_bytes());
                s
            })
        })
        .collect();
    let streams: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(server.is_running());
    drop(streams);
    let server = server.kill();
    assert!(!server.stderr.contains("panicked"), "{}", server.stderr);
    assert_eq!(server.stderr.matches("] accept: ").count(), CLIENTS);
}
