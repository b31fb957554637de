//! The Rust programs and the lesson's Python counterparts talk to each other
//! unchanged: same ports, same bytes on the wire.

use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-echo-client");
const PY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/");

fn script(name: &str) -> String {
    format!("{PY}{name}")
}

#[test]
fn rust_server_with_python_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port();
    let Some(mut client) = Proc::python(script("client.py"), &[port.to_string()]) else {
        return;
    };
    client.type_text("来自 Python 的问候\n");
    let client = client.finish().assert_success();
    // Python prints the echo and the sender's (ip, port) tuple.
    assert!(
        client
            .stdout
            .contains(&format!("来自 Python 的问候 ('127.0.0.1', {port})")),
        "{client:?}"
    );
    server.wait_for_stdout(": 来自 Python 的问候");
}

#[test]
fn python_server_with_rust_client() {
    let Some(mut server) = Proc::python(script("server.py"), &["0"]) else {
        return;
    };
    let addr = server.listening_addr();
    let port = addr.port().to_string();
    let client = run(
        CLIENT,
        &["--port", &port, "-m", "hi from Rust 🦀", "-m", "again"],
        "",
    )
    .assert_success();
    // seed 002's server answers every datagram with "hello".
    assert_eq!(
        client
            .stdout
            .matches(&format!("reply from {addr}: hello"))
            .count(),
        2,
        "{client:?}"
    );
    server.wait_for_stdout("hi from Rust 🦀 ('127.0.0.1', ");
}

#[test]
fn python_server_survives_invalid_utf8() {
    let Some(mut server) = Proc::python(script("server.py"), &["0"]) else {
        return;
    };
    let addr = server.listening_addr();
    let peer = testkit::udp_socket();
    let mut buf = [0u8; 16];
    for datagram in [&b"\xff\xfe"[..], b"after"] {
        peer.send_to(datagram, addr).unwrap();
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"hello");
    }
    server.wait_for_stdout("after");
}

#[test]
fn rust_silent_server_with_seed_001_python_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--silent"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut client) = Proc::python(script("client_001.py"), &[&port]) else {
        return;
    };
    client.type_text("hello\nworld\n");
    // End of input ends the seed's endless loop cleanly (no EOFError trace).
    let client = client.finish().assert_success();
    assert!(client.stderr.is_empty(), "{client:?}");
    let out = server.wait_for_stdout(": world");
    assert!(out.contains(": hello"), "{out}");
}

#[test]
fn seed_001_python_server_with_rust_no_reply_client() {
    let Some(mut server) = Proc::python(script("server_001.py"), &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    run(CLIENT, &["--port", &port, "--no-reply"], "一\n二\n").assert_success();
    let out = server.wait_for_stdout("二");
    assert!(out.contains("\n一\n"), "{out}");
}
