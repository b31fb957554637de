//! Every mistake a learner can make gets one clear line and a non-zero exit.

use std::net::TcpListener;

use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-echo-client");

#[test]
fn client_without_a_server_says_how_to_start_one() {
    // Bind then drop: the port is (almost certainly) free and refuses.
    let port = testkit::free_port().to_string();
    run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "connection refused; is the server running? start it with: just run tcp-echo-server",
    );
}

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(SERVER, &["--port", &port], "").assert_one_line_error("already in use");
}

#[test]
fn invalid_port_is_rejected() {
    let out = run(CLIENT, &["--port", "70000"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        out.stderr
            .contains("invalid value '70000' for '--port <PORT>'"),
        "{out:?}"
    );
}

#[test]
fn unknown_host_is_reported() {
    run(CLIENT, &["--host", "no-such-host.invalid", "-m", "hi"], "")
        .assert_one_line_error("unknown host");
}

#[test]
fn server_on_an_address_not_of_this_machine() {
    // 192.0.2.1 is TEST-NET-1: never assigned to a machine, so bind fails
    // locally without sending anything anywhere.
    run(SERVER, &["--host", "192.0.2.1", "--port", "0"], "")
        .assert_one_line_error("does not belong to this machine");
}

#[test]
fn client_reports_a_reset_peer() {
    // A server that accepts and immediately resets (SO_LINGER 0 is not in
    // std, so: close with unread data, which makes Linux send RST).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 1];
        use std::io::Read;
        conn.read_exact(&mut buf).unwrap(); // read 1 of the client's bytes...
        drop(conn); // ...and close with the rest unread: RST
    });
    let mut client = Proc::spawn(CLIENT, &["--port", &port.to_string()]);
    client.type_text("hello\n");
    peer.join().unwrap();
    let out = client.finish();
    // Depending on timing the client sees the reset or the close.
    assert!(!out.status.success(), "{out:?}");
    assert!(
        out.stderr.contains("reset by the other side")
            || out
                .stderr
                .contains("closed the connection without replying"),
        "{out:?}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
}
