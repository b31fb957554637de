//! Every mistake a learner can make gets one clear line and a non-zero exit.

use std::io::Read;
use std::net::TcpListener;

use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-threaded-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-threaded-client");

#[test]
fn client_without_a_server_says_how_to_start_one() {
    // Bind then drop: the port is (almost certainly) free and refuses.
    let port = testkit::free_port().to_string();
    run(CLIENT, &["--port", &port, "-m", "hi"], "").assert_one_line_error(
        "connection refused; is the server running? start it with: just run tcp-threaded-server",
    );
}

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(SERVER, &["--port", &port, "--echo"], "").assert_one_line_error(
        "cannot listen on 127.0.0.1:{port}: the address is already in use"
            .replace("{port}", &port)
            .as_str(),
    );
}

#[test]
fn invalid_port_is_rejected() {
    for program in [SERVER, CLIENT] {
        let out = run(program, &["--port", "70000"], "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(
            out.stderr
                .contains("invalid value '70000' for '--port <PORT>'"),
            "{out:?}"
        );
    }
}

#[test]
fn a_cap_of_zero_clients_is_rejected() {
    let out = run(SERVER, &["--max-clients", "0"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        out.stderr
            .contains("invalid value '0' for '--max-clients <N>'"),
        "{out:?}"
    );
}

#[test]
fn unknown_host_is_reported() {
    run(CLIENT, &["--host", "no-such-host.invalid", "-m", "hi"], "")
        .assert_one_line_error("unknown host");
    run(
        SERVER,
        &["--host", "no-such-host.invalid", "--port", "0"],
        "",
    )
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
    // A server that accepts and resets: it reads 1 of the client's bytes and
    // closes with the rest unread, which makes Linux send a reset.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.read_exact(&mut [0u8; 1]).unwrap();
        drop(conn);
    });
    let mut client = Proc::spawn(CLIENT, &["--port", &port.to_string()]);
    client.type_text("hello\n");
    peer.join().unwrap();
    let out = client.finish();
    // Depending on timing the client sees the reset or the close.
    assert!(!out.status.success(), "{out:?}");
    assert!(
        out.stderr.contains("reset by the other side")
            || out.stderr.contains("closed the connection"),
        "{out:?}"
    );
    assert_eq!(out.stderr.lines().count(), 1, "{out:?}");
}
