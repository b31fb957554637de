//! The Rust programs and the lesson's Python counterparts talk to each other
//! unchanged: same ports, same bytes on the wire.

use testkit::{udp_socket, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-chat-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-chat-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");

#[test]
fn rust_servers_with_python_client() {
    let mut zhang = Proc::spawn(SERVER, &["--port", "0", "--reply", "收到"]);
    let port = zhang.listening_addr().port();
    let offline = testkit::free_udp_port();
    let args = [format!("张三={port}"), format!("王五={offline}")];
    let Some(mut client) = Proc::python(PY_CLIENT, &args) else {
        return;
    };
    // An unknown name, an offline contact (the fixed client waits 2 s and
    // goes on), then a real conversation.
    client.type_text("老王\n王五\n在吗\nquit\n张三\n你好\nquit\nquit\n");
    let client = client.finish().assert_success();
    assert!(
        client.stdout.contains("没有这个聊天对象: 老王"),
        "{client:?}"
    );
    assert!(client.stdout.contains("王五 没有回复"), "{client:?}");
    assert!(
        client
            .stdout
            .contains(&format!("来自[127.0.0.1:{port}]的一条消息:收到")),
        "{client:?}"
    );
    zhang.wait_for_stdout("]: 你好");
}

#[test]
fn python_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let addr = server.listening_addr();
    let contact = format!("张三={addr}");
    let client = Proc::spawn(
        CLIENT,
        &[
            "--contact",
            &contact,
            "--timeout",
            "10",
            "--to",
            "张三",
            "-m",
            "hi from Rust 🦀",
        ],
    );
    server.wait_for_stdout("的一条消息:hi from Rust 🦀");
    server.type_text("好的\n");
    let client = client.finish().assert_success();
    assert!(
        client.stdout.contains(&format!("from 张三 [{addr}]: 好的")),
        "{client:?}"
    );
    // The fixed Python server survives bytes that are not UTF-8, and stops
    // cleanly when nobody is left to type.
    udp_socket().send_to(b"\xff", addr).unwrap();
    server.wait_for_stdout("的一条消息:\u{FFFD}");
    let server = server.finish().assert_success();
    assert!(server.stderr.is_empty(), "{server:?}");
}
