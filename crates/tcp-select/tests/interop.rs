//! The lesson's programs and their Python counterparts talk to each other
//! unchanged, and lesson 4's clients and servers speak the same bytes.

use common::LineSource;
use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-select-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-select-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");
const LESSON_4: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tcp-threaded/python");

#[test]
fn rust_server_with_python_clients() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut one) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    one.type_text("你好\nexit\n");
    let one = one.finish().assert_success();
    assert!(one.stdout.contains("[1] reply: 老王:你好\n"), "{one:?}");
    let Some(mut three) = Proc::python(PY_CLIENT, &[&port, "3"]) else {
        return;
    };
    three.type_text("a\nb\n");
    let three = three.finish().assert_success();
    assert!(
        three.stdout.contains("done: 3 clients, 6 replies in "),
        "{three:?}"
    );
    assert_eq!(
        three.stdout.matches("reply: 老王:b\n").count(),
        3,
        "{three:?}"
    );
    server.wait_for_stdout_count("closed the connection", 4);
}

#[test]
fn python_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(
        CLIENT,
        &[
            "--port",
            &port,
            "--clients",
            "4",
            "-m",
            "hi from Rust 🦀",
            "-m",
            "二",
        ],
        "",
    )
    .assert_success();
    assert_eq!(
        client.stdout.matches("reply: 老王:二\n").count(),
        4,
        "{client:?}"
    );
    let out = server.wait_for_stdout_count("closed the connection", 4);
    assert!(out.contains(": 老王:hi from Rust 🦀\n"), "{out}");
    assert!(out.contains("connected (4 clients now)"), "{out}");
}

#[test]
fn python_server_answers_a_long_message_piece_by_piece() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let addr = server.listening_addr();
    let mut stream = testkit::connect(addr);
    let long = "x".repeat(3000);
    std::io::Write::write_all(&mut stream, long.as_bytes()).unwrap();
    assert_eq!(testkit::read_exact_text(&mut stream, 3000), long);
    server.wait_for_stdout("bytes arrived (a full read)");
}

#[test]
fn lesson_4_clients_against_this_server() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let addr = server.listening_addr();
    // tcp-threaded-client's own code, in-process.
    let stream = tcp_threaded::client::connect("127.0.0.1", addr.port()).unwrap();
    let mut typed = LineSource::scripted(["one".to_string(), "二".to_string()]);
    let mut out = Vec::new();
    tcp_threaded::client::talk(stream, "Rust", &mut typed, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("reply: Rust:one\n") && out.contains("reply: Rust:二\n"),
        "{out}"
    );
    // Lesson 4's Python client.
    let port = addr.port().to_string();
    let Some(mut python) = Proc::python(format!("{LESSON_4}/client.py"), &[&port]) else {
        return;
    };
    python.type_text("你好\nexit\n");
    let python = python.finish().assert_success();
    assert!(
        python.stdout.contains("接收服务端的数据 >>> : 老王:你好"),
        "{python:?}"
    );
    server.wait_for_stdout_count("closed the connection", 2);
}

#[test]
fn this_client_against_lesson_4s_python_server() {
    let Some(mut server) = Proc::python(format!("{LESSON_4}/echo_server.py"), &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port, "--clients", "3", "-m", "hi"], "").assert_success();
    assert_eq!(
        client.stdout.matches("reply: 老王:hi\n").count(),
        3,
        "{client:?}"
    );
}
