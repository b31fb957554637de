//! The Rust programs and the lesson's Python counterparts talk to each other
//! unchanged: same port, same bytes on the wire.

use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-loop-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-loop-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");

#[test]
fn rust_server_with_python_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "好的"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut client) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    client.type_text("你好\n\nsecond\nquit\n");
    let client = client.finish().assert_success();
    assert_eq!(client.stdout.matches("好的").count(), 2, "{client:?}");
    let server = server.wait_for_stdout("left; waiting for the next client");
    assert!(
        server.contains("received: 你好\nreceived: second\n"),
        "{server}"
    );
}

#[test]
fn python_client_reports_a_server_that_stops() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut client) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    server.close_stdin(); // nobody will type replies
    client.type_text("hello\n");
    server.finish().assert_success();
    client
        .finish()
        .assert_one_line_error("the server closed the connection before replying");
}

#[test]
fn python_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    // The empty line is asked again instead of sending nothing.
    server.type_text("r1\n\nr2\n");
    let client = run(
        CLIENT,
        &["--port", &port, "--message", "hi", "--message", "你好 🦀"],
        "",
    )
    .assert_success();
    assert!(client.stdout.contains("reply: r1\n"), "{client:?}");
    assert!(client.stdout.contains("reply: r2\n"), "{client:?}");
    let out = server.wait_for_stdout("left");
    assert!(out.contains("接到来自127.0.0.1的电话"), "{out}");
    assert!(out.contains("hi <class 'bytes'>"), "{out}");
    assert!(out.contains("你好 🦀 <class 'bytes'>"), "{out}");
    // The Python server stops at the end of its input, once a message needs
    // a reply: the EOF spin is gone, so it does not loop on a closed client.
    server.close_stdin();
    let client = run(CLIENT, &["--port", &port, "-m", "one more"], "");
    client.assert_one_line_error("closed the connection before replying");
    server.finish().assert_success();
}
