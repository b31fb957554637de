//! The Rust programs and the lesson's Python counterparts talk to each other
//! unchanged: same port, same bytes on the wire.

use std::io::Write;

use testkit::{connect, run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-threaded-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-threaded-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_ECHO_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/echo_server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");

#[test]
fn rust_server_with_two_python_clients() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "收到"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut first) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    let Some(mut second) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    // Both connected at once; the second is served while the first waits.
    first.wait_for_stdout("服务端连接成功");
    second.wait_for_stdout("服务端连接成功");
    server.wait_for_stdout("(2 clients now)");
    second.type_text("你好\n");
    second.wait_for_stdout("接收服务端的数据 >>> : 收到");
    first.type_text("我也在\nexit\n");
    second.type_text("exit\n");
    for client in [first.finish(), second.finish()] {
        let client = client.assert_success();
        assert!(client.stdout.contains("服务端连接成功"), "{client:?}");
        assert!(
            client.stdout.contains("接收服务端的数据 >>> : 收到"),
            "{client:?}"
        );
    }
    let out = server.wait_for_stdout_count("closed the connection", 2);
    assert!(out.contains(": 老王:你好\n"), "{out}");
    assert!(out.contains(": 老王:我也在\n"), "{out}");
}

#[test]
fn python_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    server.type_text("hello from Python\n");
    let client = run(
        CLIENT,
        &["--port", &port, "--message", "hi from Rust 🦀"],
        "",
    )
    .assert_success();
    assert!(
        client.stdout.contains("reply: hello from Python"),
        "{client:?}"
    );
    let out = server.wait_for_stdout("closed the connection");
    assert!(out.contains("聊天服务器上线了"), "{out}");
    assert!(out.contains(": 老王:hi from Rust 🦀\n"), "{out}");
    // The Python server, too, stops at the end of typed input (noticed at
    // its next prompt) instead of crashing a thread.
    server.close_stdin();
    let mut last = connect(server.listening_addr());
    last.write_all("老王:bye".as_bytes()).unwrap();
    assert!(testkit::read_to_close(&mut last).is_empty());
    let server = server.finish().assert_success();
    assert!(
        server.stdout.contains("was closed: no more typed replies"),
        "{server:?}"
    );
    assert!(!server.stderr.contains("Traceback"), "{server:?}");
}

#[test]
fn python_echo_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_ECHO_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(
        CLIENT,
        &["--port", &port, "--name", "Bench", "-m", "one", "-m", "二"],
        "",
    )
    .assert_success();
    assert!(client.stdout.contains("reply: Bench:one\n"), "{client:?}");
    assert!(client.stdout.contains("reply: Bench:二\n"), "{client:?}");
    // It prints nothing per message: only the listening line.
    let server = server.kill();
    assert_eq!(server.stdout.lines().count(), 1, "{server:?}");
}
