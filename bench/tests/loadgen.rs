//! The load generator and the baseline server as real processes, briefly,
//! on loopback: the shapes of their output, not their speed.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::thread;
use std::time::Duration;

use serde_json::Value;
use testkit::{run, Proc};

const LOADGEN: &str = env!("CARGO_BIN_EXE_loadgen");
const BASELINE: &str = env!("CARGO_BIN_EXE_bench-baseline-server");

/// Runs loadgen with `args` and `--json -`; returns its JSON report.
fn loadgen_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--json", "-"]);
    let done = run(LOADGEN, &all, "").assert_success();
    serde_json::from_str(&done.stdout).unwrap_or_else(|e| panic!("{e}: {done:#?}"))
}

#[test]
fn tcp_run_against_the_baseline_reports_round_trips_and_percentiles() {
    let mut server = Proc::spawn(BASELINE, &["--port", "0"]);
    let addr = server.listening_addr().to_string();
    let report = loadgen_json(&[&addr, "--clients", "4", "--duration", "0.5"]);
    assert_eq!(report["protocol"], "tcp");
    assert_eq!(report["clients"], 4);
    assert_eq!(report["peak_connections"], 4);
    assert_eq!(report["errors"], 0, "{report:#}");
    assert!(report["round_trips"].as_u64().unwrap() > 0);
    assert!(report["round_trips_per_s"].as_f64().unwrap() > 0.0);
    let l = &report["latency_us"];
    let (p50, p90, p99) = (
        l["p50"].as_f64().unwrap(),
        l["p90"].as_f64().unwrap(),
        l["p99"].as_f64().unwrap(),
    );
    assert!(0.0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= l["max"].as_f64().unwrap());
    server.kill();
}

#[test]
fn fixed_round_trips_and_reconnecting_clients() {
    let mut server = Proc::spawn(BASELINE, &["--port", "0"]);
    let addr = server.listening_addr().to_string();
    let report = loadgen_json(&[
        &addr,
        "--clients",
        "3",
        "--round-trips",
        "20",
        "--per-connection",
        "5",
        "--lazy-connect",
    ]);
    assert_eq!(report["round_trips"], 60, "{report:#}");
    assert_eq!(report["errors"], 0);
    server.kill();
}

#[test]
fn the_summary_is_a_readable_table() {
    let mut server = Proc::spawn(BASELINE, &["--port", "0"]);
    let addr = server.listening_addr().to_string();
    let done = run(LOADGEN, &[&addr, "-c", "2", "-n", "10"], "").assert_success();
    for needle in [
        "2 clients",
        "round trips 20 in",
        "p50",
        "p99",
        "errors      0",
    ] {
        assert!(
            done.stdout.contains(needle),
            "{needle:?} missing: {}",
            done.stdout
        );
    }
    // No progress line unless asked for: stderr is not a terminal here.
    assert_eq!(done.stderr, "");
    server.kill();
}

#[test]
fn udp_run_counts_datagrams() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    // A tiny echo server on a thread; it ends when the test process does.
    thread::spawn(move || {
        let mut buf = [0u8; 65_507];
        while let Ok((n, peer)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&buf[..n], peer);
        }
    });
    let report = loadgen_json(&[&addr, "--udp", "-c", "2", "-n", "50", "--size", "32"]);
    assert_eq!(report["protocol"], "udp");
    assert_eq!(report["round_trips"], 100, "{report:#}");
    assert_eq!(report["errors"], 0);
}

#[test]
fn udp_without_an_answer_counts_losses() {
    // A socket that receives and never answers: every datagram is lost.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let done = run(
        LOADGEN,
        &[&addr, "--udp", "-c", "1", "-n", "2", "--timeout", "0.2"],
        "",
    );
    // Nothing came back: one line of error, exit 1, and the losses counted.
    let done = done.assert_one_line_error("no echo came back");
    assert!(
        done.stdout.contains("2 x lost: no echo within"),
        "{done:#?}"
    );
    drop(silent);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    // Accept and read, never write back.
    thread::spawn(move || {
        let mut held = vec![];
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 64];
            let _ = conn.set_read_timeout(Some(Duration::from_millis(50)));
            let _ = conn.read(&mut buf);
            held.push(conn);
        }
    });
    let done = run(
        LOADGEN,
        &[
            &addr,
            "-c",
            "2",
            "-n",
            "1",
            "--lazy-connect",
            "--timeout",
            "0.3",
        ],
        "",
    );
    let done = done.assert_one_line_error("no echo came back");
    assert!(
        done.stdout.contains("2 x timeout: no echo within 300ms"),
        "{done:#?}"
    );
}

#[test]
fn nobody_listening_is_one_clear_error() {
    let port = testkit::free_port();
    let addr = format!("127.0.0.1:{port}");
    let done = run(LOADGEN, &[&addr, "-c", "2", "-d", "1"], "");
    let done = done.assert_one_line_error("is the server running");
    assert!(
        done.stdout.contains("connect: Connection refused"),
        "{done:#?}"
    );
}

#[test]
fn bad_arguments_are_rejected() {
    run(LOADGEN, &["127.0.0.1:1", "--clients", "0"], "").assert_one_line_error("--clients");
    run(LOADGEN, &["127.0.0.1:1", "--udp", "--size", "4"], "").assert_one_line_error("--size");
    run(LOADGEN, &["127.0.0.1:1", "--duration=0"], "").assert_one_line_error("--duration");
    run(LOADGEN, &["no-port-here"], "").assert_one_line_error("HOST:PORT");
}

#[test]
fn baseline_reports_a_port_in_use() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(BASELINE, &["--port", &port], "").assert_one_line_error("cannot listen on");
}
