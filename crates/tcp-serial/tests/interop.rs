//! The Rust programs and seed 004's Python (fixed) talk to each other
//! unchanged: same port, same bytes on the wire, GBK included.

use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-serial-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-serial-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_SERVER_ONCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server_once.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");

#[test]
fn rust_server_with_python_client_in_gbk() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--encoding", "gbk"]);
    let port = server.listening_addr().port();
    let Some(mut client) = Proc::python(PY_CLIENT, &[] as &[&str]) else {
        return;
    };
    // The Python asks for the ip and the port first, as the seed's does.
    client.type_text(&format!("127.0.0.1\n{port}\n你好\n\n第二条\nquit\n"));
    let client = client.finish().assert_success();
    assert_eq!(
        client.stdout.matches("收到您的信息~").count(),
        2,
        "{client:?}"
    );
    let out = server.wait_for_stdout("done serving");
    assert!(out.contains("received: 你好\nreceived: 第二条\n"), "{out}");
}

#[test]
fn rust_once_server_with_python_client() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--once", "--encoding", "gbk"]);
    let port = server.listening_addr().port();
    let Some(mut client) = Proc::python(PY_CLIENT, &[] as &[&str]) else {
        return;
    };
    client.type_text(&format!("127.0.0.1\n{port}\n一次\n"));
    client.wait_for_stdout("收到您的信息~");
    // One message per client: the second finds the connection closed.
    client.type_text("两次\n");
    client.finish().assert_server_hung_up();
    let out = server.wait_for_stdout("done serving");
    assert!(out.contains("received: 一次\n"), "{out}");
}

#[test]
fn python_server_with_rust_client_in_gbk() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(
        CLIENT,
        &[
            "--port",
            &port,
            "--encoding",
            "gbk",
            "-m",
            "你好",
            "-m",
            "again",
        ],
        "",
    )
    .assert_success();
    assert_eq!(
        client.stdout.matches("reply: 收到您的信息~\n").count(),
        2,
        "{client:?}"
    );
    let out = server.wait_for_stdout("服务完毕...");
    assert!(out.contains("等待客户的到来..."), "{out}");
    assert!(out.contains("收到信息 你好\n收到信息 again\n"), "{out}");
    // And the next client is served, one after another.
    run(
        CLIENT,
        &["--port", &port, "--encoding", "gbk", "-m", "next"],
        "",
    )
    .assert_success();
    server.wait_for_stdout_count("服务完毕...", 2);
}

#[test]
fn mismatched_encodings_garble_the_text_but_break_nothing() {
    // Why --encoding exists: UTF-8 bytes read as GBK (and back) are wrong
    // characters, shown as such; neither side crashes.
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port, "-m", "你好"], "").assert_success();
    assert!(client.stdout.contains("reply: "), "{client:?}");
    assert!(!client.stdout.contains("收到您的信息~"), "{client:?}");
    let out = server.wait_for_stdout("服务完毕...");
    assert!(!out.contains("收到信息 你好"), "{out}");
}

#[test]
fn python_once_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_SERVER_ONCE, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(CLIENT, &["--port", &port, "-m", "hello 你好"], "").assert_success();
    assert!(client.stdout.contains("reply: Hello World\n"), "{client:?}");
    let out = server.wait_for_stdout("已经服务完毕...");
    assert!(out.contains("客户端发送过来的请求是: hello 你好"), "{out}");
    // A second message finds the connection closed.
    run(CLIENT, &["--port", &port, "-m", "one", "-m", "two"], "").assert_server_hung_up();
}
