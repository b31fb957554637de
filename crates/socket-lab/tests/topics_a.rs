//! The topics on address families, socket types and the basic calls: each
//! test runs the topic and its Python and checks the facts they print.

mod support;

use support::{assert_elsewhere, lab, lab_transcript, line, python};

#[test]
fn listing_names_every_topic_and_a_wrong_name_is_one_line_and_exit_2() {
    let list = testkit::run(env!("CARGO_BIN_EXE_socket-lab"), &[] as &[&str], "")
        .assert_success()
        .stdout;
    for topic in socket_lab::topics::TOPICS {
        assert!(
            list.lines()
                .any(|l| l.starts_with(&format!("{}  ", topic.name))),
            "{list}"
        );
    }
    let wrong = testkit::run(env!("CARGO_BIN_EXE_socket-lab"), &["no-such-topic"], "");
    assert_eq!(wrong.status.code(), Some(2), "{wrong:#?}");
    assert!(wrong
        .stderr
        .lines()
        .next()
        .unwrap_or("")
        .contains("no topic named `no-such-topic`"));
    assert!(wrong.stderr.contains("inet  "), "{wrong:#?}");
}

#[test]
fn inet_shows_ipv4_addresses_on_both_ends() {
    let out = lab("inet");
    let client = line(&out, "client: sockname");
    // The client's peer is the server's own address, and both are IPv4.
    let server = line(&out, "server: sockname");
    let words: Vec<&str> = client.split_whitespace().collect();
    let (c_local, c_peer) = (words[2], words[4]);
    let words: Vec<&str> = server.split_whitespace().collect();
    let (s_local, s_peer) = (words[2], words[4]);
    assert_eq!(c_peer, s_local);
    assert_eq!(c_local, s_peer);
    assert!(c_local.starts_with("127.0.0.1:") && s_local.starts_with("127.0.0.1:"));
    assert!(out.contains("SocketAddr::V4"), "{out}");
    assert_elsewhere(&out);

    let transcript = lab_transcript("inet");
    assert!(transcript.contains("client: sockname 127.0.0.1:<port2>  peername 127.0.0.1:<port1>"));

    if let Some(py) = python("inet") {
        assert!(py.contains("client: sockname ('127.0.0.1', "), "{py}");
        assert!(
            py.contains("3. getsockname / getpeername on both ends"),
            "{py}"
        );
    }
}
