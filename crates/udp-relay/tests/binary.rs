//! The `udp-relay` binary: its first line, its report, its errors.

use std::time::Duration;

use testkit::{run, udp_socket, Proc};

const RELAY: &str = env!("CARGO_BIN_EXE_udp-relay");

#[test]
fn forwards_both_ways_and_reports_each_fate() {
    // A stand-in server: echoes what it gets.
    let server = udp_socket();
    let server_addr = server.local_addr().unwrap();
    let to = server_addr.to_string();
    let mut relay = Proc::spawn(
        RELAY,
        &[
            "--listen",
            "127.0.0.1:0",
            "--to",
            &to,
            "--plan",
            "drop,dup,ok",
        ],
    );
    let relay_addr = relay.listening_addr();
    let client = udp_socket();
    let mut buf = [0u8; 64];
    for (message, copies) in [("a", 0), ("b", 2), ("c", 1)] {
        client.send_to(message.as_bytes(), relay_addr).unwrap();
        let (n, from) = server.recv_from(&mut buf).unwrap();
        server.send_to(&buf[..n], from).unwrap();
        for _ in 0..copies {
            let (n, from) = client.recv_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from), (message.as_bytes(), relay_addr));
        }
    }
    client
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    assert!(client.recv_from(&mut buf).is_err(), "one answer too many");
    let out = relay.wait_for_stdout("answer #3");
    assert!(out.contains(&format!("relaying to {server_addr}")), "{out}");
    assert!(out.contains("request #1 \"a\""), "{out}");
    assert!(out.contains("answer #1 \"a\""), "{out}");
    assert!(
        out.contains(": dropped\n") && out.contains(": duplicated\n"),
        "{out}"
    );
}

#[test]
fn bad_arguments_are_one_clear_line() {
    // Argument errors: clap's usage error (exit 2), saying what is expected.
    for (args, expected) in [
        (
            ["--plan", "ok,lost"],
            "expected ok, drop, dup, late or swap",
        ),
        (["--drop", "2"], "expected a number from 0 to 1"),
    ] {
        let out = run(RELAY, &args, "");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stderr.contains(expected), "{out:?}");
        assert!(!out.stderr.contains("panicked"), "{out:?}");
    }
    run(
        RELAY,
        &["--drop", "0.7", "--dup", "0.7", "--listen", "127.0.0.1:0"],
        "",
    )
    .assert_one_line_error("more than 1");
    let taken = udp_socket();
    let addr = taken.local_addr().unwrap().to_string();
    run(RELAY, &["--listen", &addr], "").assert_one_line_error("already in use");
}

#[test]
fn swap_and_late_change_the_order_of_answers() {
    let server = udp_socket();
    let to = server.local_addr().unwrap().to_string();
    let mut relay = Proc::spawn(
        RELAY,
        &[
            "--listen",
            "127.0.0.1:0",
            "--to",
            &to,
            "--plan",
            "swap,ok,late,ok",
            "--hold",
            "0.3",
        ],
    );
    let relay_addr = relay.listening_addr();
    let client = udp_socket();
    let mut buf = [0u8; 64];
    // The server answers each request at once; the relay reorders.
    for message in ["a", "b", "c", "d"] {
        client.send_to(message.as_bytes(), relay_addr).unwrap();
        let (n, from) = server.recv_from(&mut buf).unwrap();
        server.send_to(&buf[..n], from).unwrap();
    }
    let mut order = String::new();
    for _ in 0..4 {
        let (n, _) = client.recv_from(&mut buf).unwrap();
        order.push_str(std::str::from_utf8(&buf[..n]).unwrap());
    }
    // a waits for b (swap); c is held 0.3 s, so d overtakes it.
    assert_eq!(order, "badc");
    let out = relay.wait_for_stdout("released after 300ms");
    assert!(out.contains("answer #1 \"a\""), "{out}");
    assert!(out.contains(": swapped with the next\n"), "{out}");
}
