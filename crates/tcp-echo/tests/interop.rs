//! The Rust programs and the lesson's Python counterparts talk to each other
//! unchanged: same port, same bytes on the wire.

use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-echo-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");

#[test]
fn rust_server_with_python_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "你好, Python"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut client) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    client.type_text("来自 Python 的问候\n");
    let client = client.finish().assert_success();
    assert!(client.stdout.contains("服务端连接成功"), "{client:?}");
    assert!(
        client
            .stdout
            .contains("接收服务端的数据 >>> : 你好, Python"),
        "{client:?}"
    );
    let server = server.finish().assert_success();
    assert!(
        server.stdout.contains("received: 来自 Python 的问候"),
        "{server:?}"
    );
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
    let server = server.finish().assert_success();
    assert!(
        server
            .stdout
            .contains("接收客户端的数据 >>> : hi from Rust 🦀"),
        "{server:?}"
    );
}
