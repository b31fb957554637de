//! udp-chat end to end: the real binaries, servers on port 0.

use std::process::Command;

use testkit::{run, udp_socket, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-chat-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-chat-client");

#[test]
fn chat_with_two_servers_and_an_offline_contact() {
    let mut zhang = Proc::spawn(SERVER, &["--port", "0", "--echo"]);
    let mut li = Proc::spawn(SERVER, &["--port", "0", "--reply", "我是李四"]);
    let (zhang_addr, li_addr) = (zhang.listening_addr(), li.listening_addr());
    let offline = testkit::free_udp_port();
    let contacts = [
        format!("张三={zhang_addr}"),
        format!("李四={li_addr}"),
        format!("王五=127.0.0.1:{offline}"),
    ];
    let client = run(
        CLIENT,
        &[
            "--contact",
            &contacts[0],
            "--contact",
            &contacts[1],
            "--contact",
            &contacts[2],
            "--timeout",
            "0.3",
        ],
        "老王\n王五\n在吗?\nquit\n张三\n你好 张三\n\nquit\n李四\nhi\nquit\nquit\n",
    )
    .assert_success();
    let stderr: Vec<&str> = client.stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{client:?}");
    assert_eq!(
        stderr[0],
        "unknown contact \"老王\"; known contacts: 张三, 李四, 王五"
    );
    assert!(
        stderr[1].starts_with(&format!(
            "warning: no answer from 王五 [127.0.0.1:{offline}] within 300ms"
        )),
        "{client:?}"
    );
    assert!(
        client
            .stdout
            .contains(&format!("from 张三 [{zhang_addr}]: 你好 张三")),
        "{client:?}"
    );
    assert!(client
        .stdout
        .contains(&format!("from 李四 [{li_addr}]: 我是李四")));
    zhang.wait_for_stdout("]: 你好 张三");
    li.wait_for_stdout("]: hi");
}

#[test]
fn scripted_with_to_and_message() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--echo"]);
    let contact = format!("赵六={}", server.listening_addr());
    let client = run(
        CLIENT,
        &[
            "--contact",
            &contact,
            "--to",
            "赵六",
            "-m",
            "one",
            "-m",
            "two",
        ],
        "",
    )
    .assert_success();
    assert!(client.stdout.contains("contact> 赵六"), "{client:?}");
    assert!(client.stdout.contains("]: one") && client.stdout.contains("]: two"));
    server.wait_for_stdout("]: two");
}

#[test]
fn server_sends_what_is_typed_and_stops_at_end_of_input() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
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
            "question",
        ],
    );
    server.wait_for_stdout("]: question");
    server.wait_for_stdout("reply to 127.0.0.1:");
    server.type_text("typed answer\n");
    let client = client.finish().assert_success();
    assert!(
        client
            .stdout
            .contains(&format!("from 张三 [{addr}]: typed answer")),
        "{client:?}"
    );
    // The next message finds nobody typing: the server stops, exit 0.
    udp_socket().send_to(b"last", addr).unwrap();
    server.wait_for_stdout("]: last");
    let server = server.finish().assert_success();
    assert!(
        server
            .stdout
            .ends_with("no reply typed; the server stops\n"),
        "{server:?}"
    );
}

#[test]
fn server_survives_invalid_utf8() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "ok"]);
    let addr = server.listening_addr();
    let peer = udp_socket();
    let mut buf = [0u8; 8];
    for datagram in [&b"\xc3\x28"[..], b"next"] {
        peer.send_to(datagram, addr).unwrap();
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ok");
    }
    let out = server.wait_for_stdout("]: next");
    assert!(out.contains("]: \u{FFFD}("), "{out}");
}

#[test]
fn rust_log_debug_traces_each_socket_step() {
    let mut command = Command::new(SERVER);
    command
        .args(["--port", "0", "--echo"])
        .env("RUST_LOG", "debug");
    let mut server = Proc::from_command(command);
    let contact = format!("张三={}", server.listening_addr());
    let mut command = Command::new(CLIENT);
    command
        .args(["--contact", &contact, "--to", "张三", "-m", "trace"])
        .env("RUST_LOG", "debug");
    let client = Proc::from_command(command).finish().assert_success();
    for step in [
        "socket, bind: 0.0.0.0:",
        "send_to: 5 bytes to 张三",
        "recv_from: 5 bytes",
        "close",
    ] {
        assert!(client.stderr.contains(step), "{step:?} missing: {client:?}");
    }
    server.wait_for_stderr("send_to: 5 bytes");
    let server = server.kill();
    for step in ["socket, bind: 127.0.0.1:", "recv_from: 5 bytes"] {
        assert!(server.stderr.contains(step), "{step:?} missing: {server:?}");
    }
}
