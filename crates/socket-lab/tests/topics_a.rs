//! The topics on address families, socket types and the basic calls: each
//! test runs the topic and its Python and checks the facts they print.

mod support;

#[cfg(target_os = "linux")]
use std::process::Command;

#[cfg(target_os = "linux")]
use socket2::Protocol;
use socket2::{Domain, Socket, Type};
use support::{assert_elsewhere, assert_in_order, lab, lab_transcript, line, python};

#[test]
fn listing_names_every_topic_and_a_wrong_name_is_one_line_and_exit_2() {
    let list = testkit::run(env!("CARGO_BIN_EXE_socket-lab"), &[] as &[&str], "")
        .assert_success()
        .stdout;
    for topic in socket_lab::topics::TOPICS {
        assert!(
            list.lines()
                .any(|l| l.starts_with(&format!("{} ", topic.name))),
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
    assert!(wrong.stderr.contains("\ninet "), "{wrong:#?}");
    assert!(!wrong.stderr.contains("panicked"), "{wrong:#?}");
}

#[test]
fn inet_shows_ipv4_addresses_on_both_ends() {
    let out = lab("inet");
    let client: Vec<&str> = line(&out, "client: sockname").split_whitespace().collect();
    let server: Vec<&str> = line(&out, "server: sockname").split_whitespace().collect();
    // The client's peer is the server's own address and the other way round.
    assert_eq!(client[4], server[2], "{out}");
    assert_eq!(client[2], server[4], "{out}");
    assert!(client[2].starts_with("127.0.0.1:") && server[2].starts_with("127.0.0.1:"));
    assert!(out.contains("SocketAddr::V4"), "{out}");
    assert_elsewhere(&out);

    let transcript = lab_transcript("inet");
    assert!(
        transcript.contains("client: sockname 127.0.0.1:<port2>  peername 127.0.0.1:<port1>"),
        "{transcript}"
    );

    if let Some(py) = python("inet") {
        assert!(py.contains("client: sockname ('127.0.0.1', "), "{py}");
        assert!(
            py.contains("3. getsockname / getpeername on both ends"),
            "{py}"
        );
    }
}

/// True when this machine can bind the IPv6 loopback.
fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[test]
fn inet6_dual_stack_maps_ipv4_and_v6only_refuses_it() {
    let out = lab("inet6");
    assert_elsewhere(&out);
    if !has_ipv6_loopback() {
        assert!(out.starts_with("not here: no IPv6 loopback"), "{out}");
        return;
    }
    assert!(line(&out, "bind [::1]:0").contains("-> [::1]:"), "{out}");
    // The default this machine reports is the one a fresh socket has.
    let fresh = Socket::new(Domain::IPV6, Type::STREAM, None).expect("AF_INET6 socket");
    let default = fresh.only_v6().expect("IPV6_V6ONLY");
    assert!(out.contains(&format!("IPV6_V6ONLY = {default}")), "{out}");
    assert!(
        line(&out, "accept() sees it as").contains("[::ffff:127.0.0.1]:"),
        "{out}"
    );
    assert!(out.contains("to_canonical() = 127.0.0.1"), "{out}");
    assert!(
        line(&out, "refused:").contains("ConnectionRefused"),
        "{out}"
    );
    assert!(
        out.contains("to [::1] on the same port: connected"),
        "{out}"
    );

    if let Some(py) = python("inet6") {
        assert!(
            py.contains("accept() sees it as ('::ffff:127.0.0.1', "),
            "{py}"
        );
        assert!(py.contains("refused: connect_ex returned 111"), "{py}");
    }
}

#[cfg(unix)]
#[test]
fn unix_sockets_leave_their_file_behind() {
    let out = lab("unix");
    assert!(out.contains("the file exists, is a socket: true"), "{out}");
    assert!(out.contains("the server read 5 bytes \"hello\""), "{out}");
    assert!(out.contains("the file is still there: true"), "{out}");
    assert!(
        line(&out, "bind: ").contains("AddrInUse, errno 98 (EADDRINUSE)"),
        "{out}"
    );
    assert!(
        line(&out, "connect: ").contains("ConnectionRefused, errno 111 (ECONNREFUSED)"),
        "{out}"
    );
    assert!(out.contains("two recv_from of 3 and 3 bytes"), "{out}");
    assert!(line(&out, "from Some(").contains("a.sock"), "{out}");
    // The temporary directory is gone afterwards.
    let dir = line(&out, "1. bind ")
        .split_whitespace()
        .nth(2)
        .unwrap_or("");
    let dir = std::path::Path::new(dir).parent().expect("a directory");
    assert!(!dir.exists(), "{dir:?} left behind");
    assert!(lab_transcript("unix").contains("bind <tmp>/stream.sock"));

    if let Some(py) = python("unix") {
        assert!(py.contains("bind: OSError, errno 98"), "{py}");
        assert!(
            py.contains("connect: ConnectionRefusedError, errno 111"),
            "{py}"
        );
        assert!(py.contains("two recvfrom of 3 and 3 bytes"), "{py}");
    }
}

#[test]
fn stream_merges_three_sends_and_datagrams_stay_three() {
    let out = lab("stream-vs-dgram");
    assert!(
        out.contains("one recv(1024) returns 11 bytes: \"onetwothree\""),
        "{out}"
    );
    assert!(
        out.contains("\"one\" (3 bytes), \"two\" (3 bytes), \"three\" (5 bytes)"),
        "{out}"
    );
    assert!(
        line(&out, "a fourth recvfrom").contains("WouldBlock"),
        "{out}"
    );
    assert_elsewhere(&out);
    if let Some(py) = python("stream-vs-dgram") {
        assert!(
            py.contains("one recv(1024) returns 11 bytes: b'onetwothree'"),
            "{py}"
        );
        assert!(
            py.contains("b'one' (3 bytes), b'two' (3 bytes), b'three' (5 bytes)"),
            "{py}"
        );
    }
}

#[cfg(unix)]
#[test]
fn seqpacket_keeps_boundaries_and_reports_end_of_file() {
    let out = lab("seqpacket");
    // Where the system has no SEQPACKET for AF_UNIX, the topic says so.
    if Socket::new(Domain::UNIX, Type::SEQPACKET, None).is_err() {
        assert!(out.starts_with("not here: "), "{out}");
        return;
    }
    assert!(
        out.contains("three reads of up to 1024 bytes: \"one\" (3 bytes), \"two\" (3 bytes), \"three\" (5 bytes)"),
        "{out}"
    );
    assert!(
        out.contains("the next read returns 0 bytes (end of file)"),
        "{out}"
    );
    assert_elsewhere(&out);
    if let Some(py) = python("seqpacket") {
        assert!(
            py.contains("b'one' (3 bytes), b'two' (3 bytes), b'three' (5 bytes)"),
            "{py}"
        );
        assert!(py.contains("the next read returns 0 bytes"), "{py}");
    }
}

/// What the raw-icmp topic printed matches what this process may do.
#[cfg(target_os = "linux")]
fn assert_icmp_branches(out: &str, raw_allowed: bool, dgram_allowed: bool) {
    if raw_allowed {
        assert!(out.contains("this machine: raw sockets allowed"), "{out}");
        let reply = line(out, "a 20-byte IP header + ICMP type 0 (echo reply)");
        assert!(reply.contains("id 0x1ab, seq 1"), "{out}");
        assert!(reply.contains("38 bytes"), "{out}");
    } else {
        assert!(
            out.contains("this machine: raw sockets not allowed: errno 1 (EPERM)"),
            "{out}"
        );
    }
    if dgram_allowed {
        assert!(
            out.contains("this machine: ICMP datagram sockets allowed"),
            "{out}"
        );
        assert!(
            line(out, "without an IP header").contains("18 bytes = ICMP type 0"),
            "{out}"
        );
    } else {
        assert!(
            out.contains("this machine: ICMP datagram sockets not allowed: errno 13 (EACCES)"),
            "{out}"
        );
        assert!(out.contains("net.ipv4.ping_group_range = "), "{out}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn raw_icmp_takes_the_branch_this_machine_permits() {
    let raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).is_ok();
    let dgram = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4)).is_ok();
    let out = lab("raw-icmp");
    assert!(out.contains("checksum 0x2b36"), "{out}");
    assert_icmp_branches(&out, raw, dgram);
    assert_elsewhere(&out);
    if let Some(py) = python("raw-icmp") {
        assert!(py.contains("checksum 0x2b36"), "{py}");
        if raw {
            assert!(
                py.contains("ICMP type 0 (echo reply), id 0x1ab, seq 1"),
                "{py}"
            );
        } else {
            assert!(py.contains("PermissionError, errno 1"), "{py}");
        }
    }
}

/// As root, the other branches too: an unprivileged user in a network
/// namespace of its own, whose ping_group_range the test sets (the host's
/// stays as it is). Skipped where namespaces are not allowed.
#[cfg(target_os = "linux")]
#[test]
fn raw_icmp_as_an_unprivileged_user_in_a_private_network_namespace() {
    let lab_bin = env!("CARGO_BIN_EXE_socket-lab");
    for (range, dgram) in [("1 0", false), ("0 2147483647", true)] {
        let script = format!(
            "ip link set lo up && echo '{range}' > /proc/sys/net/ipv4/ping_group_range && \
             exec setpriv --reuid=65534 --regid=65534 --clear-groups {lab_bin} raw-icmp"
        );
        let done = Command::new("unshare")
            .args(["-n", "sh", "-c", &script])
            .output();
        let Ok(done) = done else {
            eprintln!("skipped: no unshare");
            return;
        };
        if !done.status.success() {
            eprintln!(
                "skipped: cannot run as another user in a new network namespace here: {}",
                String::from_utf8_lossy(&done.stderr).trim()
            );
            return;
        }
        assert_icmp_branches(&String::from_utf8_lossy(&done.stdout), false, dgram);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn backlog_queues_backlog_plus_one_and_drops_the_next_syn() {
    let out = lab("backlog");
    assert!(out.contains("listen(2) on 127.0.0.1:"), "{out}");
    for n in 1..=3 {
        assert!(
            line(&out, &format!("client {n}: ")).contains("connected"),
            "{out}"
        );
    }
    // Dropped, not refused: the fourth connect times out.
    assert!(line(&out, "client 4: ").contains("TimedOut"), "{out}");
    assert!(
        out.contains("3 connections wait in the queue of listen(2)"),
        "{out}"
    );
    assert!(
        line(&out, "accept() one, connect again").contains("connected"),
        "{out}"
    );
    let max = std::fs::read_to_string("/proc/sys/net/core/somaxconn").expect("somaxconn");
    assert!(
        out.contains(&format!("net.core.somaxconn = {}", max.trim())),
        "{out}"
    );
    assert!(lab_transcript("backlog").contains("client 4: TimedOut after the 0.3 s timeout"));
    if let Some(py) = python("backlog") {
        assert!(py.contains("client 3: connected"), "{py}");
        assert!(line(&py, "client 4: ").contains("TimeoutError"), "{py}");
    }
}

#[test]
fn connect_ex_shows_the_refusal_number_and_the_unknown_host() {
    let out = lab("connect-ex");
    assert!(out.contains("err.kind() = ConnectionRefused"), "{out}");
    #[cfg(target_os = "linux")]
    assert!(
        out.contains("err.raw_os_error() = Some(111)  errno 111 (ECONNREFUSED)"),
        "{out}"
    );
    // Resolving a .invalid name fails (or, offline, gets no answer) without
    // making a socket.
    assert!(
        out.contains("to_socket_addrs() failed") || out.contains("no name server reachable"),
        "{out}"
    );
    assert_elsewhere(&out);
    if let Some(py) = python("connect-ex") {
        #[cfg(target_os = "linux")]
        assert!(py.contains("returned 111 (ECONNREFUSED)"), "{py}");
        assert!(
            py.contains("connect() raises ConnectionRefusedError"),
            "{py}"
        );
        assert!(py.contains("raised socket.gaierror"), "{py}");
    }
}

#[test]
fn nonblocking_calls_would_block_until_something_arrives() {
    let out = lab("nonblocking");
    assert_in_order(
        &out,
        &[
            "accept() with nobody connecting",
            "Err: WouldBlock",
            "accept() again: Ok",
            "recv(1024) with nothing sent",
            "Err: WouldBlock",
            "Ok, 4 bytes \"ping\"",
        ],
    );
    #[cfg(target_os = "linux")]
    assert_eq!(out.matches("errno 11 (EAGAIN)").count(), 2, "{out}");
    if let Some(py) = python("nonblocking") {
        #[cfg(target_os = "linux")]
        assert_eq!(py.matches("BlockingIOError, errno 11").count(), 2, "{py}");
        assert!(py.contains("4 bytes b'ping'"), "{py}");
    }
}

#[test]
fn timeouts_give_timed_out_for_connect_and_would_block_for_read_and_write() {
    let out = lab_transcript("timeouts");
    assert_in_order(
        &out,
        &[
            "connect_timeout(0.3 s)",
            "Err after the 0.3 s timeout: kind TimedOut",
            "set_read_timeout(0.3 s)",
            "Err after the 0.3 s timeout: kind WouldBlock",
            "set_write_timeout(0.3 s)",
            "Err after the 0.3 s timeout: kind WouldBlock",
        ],
    );
    assert_elsewhere(&out);
    if let Some(py) = python("timeouts") {
        assert_eq!(py.matches("TimeoutError after").count(), 3, "{py}");
    }
}

#[test]
fn addresses_name_both_ends_and_the_descriptor() {
    let out = lab("addresses");
    // recvfrom's sender is a's own address.
    let first = line(&out, "1. a = ");
    let a = first
        .split_whitespace()
        .nth(3)
        .expect("a's address")
        .trim_end_matches(',');
    assert!(
        line(&out, "b.recvfrom(1024) -> (5 bytes, ").contains(a),
        "{out}"
    );
    assert!(
        line(&out, "Err: NotConnected").contains("NotConnected"),
        "{out}"
    );
    assert!(out.contains("getsockname() = 0.0.0.0:0"), "{out}");
    assert!(
        line(&out, "after its first sendto: 0.0.0.0:").len() > 30,
        "{out}"
    );
    #[cfg(unix)]
    assert!(out.contains("same number again: true"), "{out}");
    if let Some(py) = python("addresses") {
        assert!(py.contains("OSError, errno 107"), "{py}");
        assert!(py.contains("getsockname() = 0.0.0.0:0"), "{py}");
        assert!(py.contains("same number again: True"), "{py}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn broadcast_needs_so_broadcast_and_reaches_every_receiver() {
    let out = lab("broadcast");
    assert_eq!(
        out.matches("PermissionDenied, errno 13 (EACCES)").count(),
        2,
        "{out}"
    );
    assert!(out.contains("15 bytes sent"), "{out}");
    assert!(
        line(&out, "receiver 1: ").contains("15 bytes from 127.0.0.1:"),
        "{out}"
    );
    assert!(
        line(&out, "receiver 2: ").contains("15 bytes from 127.0.0.1:"),
        "{out}"
    );
    if let Some(py) = python("broadcast") {
        assert_eq!(py.matches("PermissionError, errno 13").count(), 2, "{py}");
        assert!(
            line(&py, "receiver 2: ").contains("15 bytes from ('127.0.0.1', "),
            "{py}"
        );
    }
}

#[test]
fn every_topic_says_what_differs_elsewhere_and_transcripts_hide_what_varies() {
    for topic in [
        "inet",
        "inet6",
        "unix",
        "stream-vs-dgram",
        "seqpacket",
        "raw-icmp",
        "backlog",
        "connect-ex",
        "nonblocking",
        "timeouts",
        "addresses",
        "broadcast",
    ] {
        let out = lab_transcript(topic);
        if out.starts_with("not here: ") {
            continue;
        }
        assert_elsewhere(&out);
        assert!(
            !out.contains("/tmp/"),
            "{topic}: a temporary path in\n{out}"
        );
        assert!(
            !out.contains(" s (timeout"),
            "{topic}: a measured time in\n{out}"
        );
        // Two runs print the same text: what the book stores stays true.
        assert_eq!(out, lab_transcript(topic), "{topic} differs between runs");
    }
}
