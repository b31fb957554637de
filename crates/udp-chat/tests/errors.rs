//! Every mistake a learner can make gets one clear line and a non-zero exit.

use std::net::UdpSocket;

use testkit::run;

const SERVER: &str = env!("CARGO_BIN_EXE_udp-chat-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_udp-chat-client");

#[test]
fn server_on_a_port_in_use_suggests_another() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let expected = format!("cannot listen on 127.0.0.1:{port}: the address is already in use");
    run(SERVER, &["--port", &port, "--echo"], "").assert_one_line_error(&expected);
}

#[test]
fn invalid_port_is_rejected() {
    let out = run(SERVER, &["--port", "70000"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        out.stderr
            .contains("invalid value '70000' for '--port <PORT>'"),
        "{out:?}"
    );
}

#[test]
fn malformed_contacts_are_rejected() {
    for (bad, why) in [
        ("张三", "expected NAME=HOST:PORT, e.g. 张三=127.0.0.1:8081"),
        ("张三=127.0.0.1", "expected NAME=HOST:PORT"),
        ("张三=127.0.0.1:70000", "\"70000\" is not a port (1-65535)"),
        ("=127.0.0.1:8081", "the name and the host cannot be empty"),
    ] {
        let out = run(CLIENT, &["--contact", bad], "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(
            out.stderr.contains(&format!(
                "invalid value '{bad}' for '--contact <NAME=HOST:PORT>'"
            )),
            "{out:?}"
        );
        assert!(out.stderr.contains(why), "{why}: {out:?}");
    }
}

#[test]
fn a_contact_given_twice_is_rejected() {
    let args = ["--contact", "a=127.0.0.1:1", "--contact", "a=127.0.0.1:2"];
    run(CLIENT, &args, "").assert_one_line_error("contact a is given twice with --contact");
}

#[test]
fn unknown_host_in_a_contact_is_reported() {
    run(CLIENT, &["--contact", "张三=no-such-host.invalid:8081"], "").assert_one_line_error(
        "contact 张三: cannot look up no-such-host.invalid:8081: unknown host",
    );
}

#[test]
fn unknown_contact_given_with_to_is_an_error() {
    run(CLIENT, &["--to", "老王", "-m", "hi"], "")
        .assert_one_line_error("unknown contact \"老王\"; known contacts: 张三, 李四, 王五, 赵六");
}

#[test]
fn to_and_message_need_each_other() {
    for args in [&["--to", "张三"][..], &["-m", "hi"]] {
        let out = run(CLIENT, args, "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(
            out.stderr.contains("required arguments were not provided"),
            "{out:?}"
        );
    }
}

#[test]
fn invalid_timeout_is_rejected() {
    let out = run(CLIENT, &["--timeout", "0"], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stderr.contains("more than 0 seconds"), "{out:?}");
}
