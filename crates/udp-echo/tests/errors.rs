//! Every mistake a learner can make gets one clear line and a non-zero exit.

use std::net::UdpSocket;

use testkit::run;

const SERVER: &str = env!("CARGO_BIN_EXE_udp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-echo-client");

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let expected = format!("cannot listen on 127.0.0.1:{port}: the address is already in use");
    run(SERVER, &["--port", &port], "").assert_one_line_error(&expected);
}

#[test]
fn server_on_an_address_not_of_this_machine() {
    // 192.0.2.1 is TEST-NET-1: never assigned to a machine, so bind fails
    // locally without sending anything anywhere.
    run(SERVER, &["--host", "192.0.2.1", "--port", "0"], "")
        .assert_one_line_error("does not belong to this machine");
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
fn unknown_host_is_reported() {
    run(CLIENT, &["--host", "no-such-host.invalid", "-m", "hi"], "")
        .assert_one_line_error("cannot send to no-such-host.invalid:9000: unknown host");
}

#[test]
fn invalid_timeouts_are_rejected() {
    for (timeout, why) in [("0", "more than 0 seconds"), ("soon", "not a number")] {
        let out = run(CLIENT, &["--timeout", timeout, "-m", "hi"], "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stderr.contains(why), "{out:?}");
    }
}

#[test]
fn contradictory_flags_are_rejected() {
    let out = run(CLIENT, &["--timeout", "1", "--no-reply"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = run(SERVER, &["--silent", "--reply", "hi"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stderr.contains("cannot be used with"), "{out:?}");
}
