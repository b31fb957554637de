//! The Rust programs and the Python counterparts talk to each other
//! unchanged, and lesson 4's clients work against this server.

mod support;

#[cfg(unix)]
use std::io::Write;

use common::LineSource;
#[cfg(unix)]
use testkit::{connect, read_exact_text};
use testkit::{run, Proc};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-async-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-async-client");
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/client.py");
const PY_THREADED_CLIENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tcp-threaded/python/client.py"
);

#[test]
fn rust_server_with_python_clients() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let Some(client) = Proc::python(
        PY_CLIENT,
        &[&port, "--clients", "3", "-m", "hi", "-m", "你好"],
    ) else {
        return;
    };
    let client = client.finish().assert_success();
    for n in 1..=3 {
        assert!(
            client.stdout.contains(&format!("[{n}] reply: 老王:你好\n")),
            "{client:?}"
        );
    }
    assert!(
        client.stdout.contains("done: 3 clients, 6 replies in "),
        "{client:?}"
    );
    server.wait_for_stdout_count("closed the connection", 3);

    // Typed lines, one connection.
    let Some(mut typed) = Proc::python(PY_CLIENT, &[&port]) else {
        return;
    };
    typed.type_text("typed\nexit\n");
    let typed = typed.finish().assert_success();
    assert!(
        typed.stdout.contains("[1] reply: 老王:typed\n"),
        "{typed:?}"
    );
    assert!(
        typed.stdout.contains("done: 1 client, 1 reply in "),
        "{typed:?}"
    );
}

#[test]
fn python_server_with_rust_client() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let port = server.listening_addr().port().to_string();
    let client = run(
        CLIENT,
        &[
            "--port",
            &port,
            "--clients",
            "3",
            "-m",
            "hi from Rust 🦀",
            "-m",
            "二",
        ],
        "",
    )
    .assert_success();
    for n in 1..=3 {
        assert!(
            client
                .stdout
                .contains(&format!("[{n}] reply: 老王:hi from Rust 🦀\n")),
            "{client:?}"
        );
        assert!(
            client.stdout.contains(&format!("[{n}] reply: 老王:二\n")),
            "{client:?}"
        );
    }
    let out = server.wait_for_stdout_count("closed the connection (", 3);
    assert_eq!(out.matches(": 老王:hi from Rust 🦀\n").count(), 3, "{out}");
}

#[cfg(unix)]
#[test]
fn python_server_stops_on_sigterm_after_answering_the_message_in_flight() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let addr = server.listening_addr();
    let mut talking = connect(addr);
    talking.write_all(b"first").unwrap();
    assert_eq!(read_exact_text(&mut talking, 5), "first");
    talking.write_all(b"second").unwrap();
    server.wait_for_stdout("from 127.0.0.1:");
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_eq!(testkit::read_to_close(&mut talking), b"second");
    let out = server.finish().assert_success();
    assert!(
        out.stdout
            .contains("SIGTERM: no new clients; 1 client finishing"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("was closed by the server (0 clients now)"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("stopped: 1 client served, 2 messages answered"),
        "{out:?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn python_server_drains_so_a_client_that_never_reads_costs_it_no_memory() {
    use std::time::{Duration, Instant};
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    let addr = server.listening_addr();
    let before = support::rss_kib(server.pid());
    let (hostile, total) = support::flood(addr);
    assert!(total < support::FLOOD, "all {total} bytes went through");
    let mut other = connect(addr);
    let started = Instant::now();
    other.write_all(b"am I stalled?").unwrap();
    assert_eq!(read_exact_text(&mut other, 13), "am I stalled?");
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
    let after = support::rss_kib(server.pid());
    assert!(
        after < before + 4 * 1024,
        "{before} KiB -> {after} KiB after {total} bytes"
    );
    drop(hostile);
}

#[test]
fn lesson_4s_python_client_against_this_server() {
    let mut server = Proc::spawn(SERVER, &["--port", "0"]);
    let port = server.listening_addr().port().to_string();
    let Some(mut client) = Proc::python(PY_THREADED_CLIENT, &[&port]) else {
        return;
    };
    client.type_text("你好\nexit\n");
    let client = client.finish().assert_success();
    assert!(
        client.stdout.contains("接收服务端的数据 >>> : 老王:你好"),
        "{client:?}"
    );
    server.wait_for_stdout(": 老王:你好\n");
}

#[test]
fn lesson_4s_client_against_this_server() {
    let mut server = Proc::spawn(SERVER, &["--port", "0", "--reply", "收到"]);
    let port = server.listening_addr().port();
    // What tcp-threaded-client does, through its library.
    let stream = tcp_threaded::client::connect("127.0.0.1", port).unwrap();
    let mut typed = LineSource::scripted(["one".to_string(), "two".to_string()]);
    let mut out = Vec::new();
    tcp_threaded::client::talk(stream, "老王", &mut typed, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.matches("reply: 收到").count(), 2, "{out}");
    server.wait_for_stdout(": 老王:two\n");
}

#[test]
fn this_client_against_lesson_4s_server() {
    // Lesson 4's server in-process, echoing; it serves until the test ends.
    let listener = tcp_threaded::server::bind("127.0.0.1", 0).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let options = tcp_threaded::server::Options {
        reply: common::Reply::Echo,
        max_clients: None,
        quiet: true,
        stack_size: tcp_threaded::server::STACK_SIZE,
    };
    let typed = LineSource::reader(std::io::BufReader::new(std::io::empty()), false);
    let out = server_extras::Output::new(std::io::sink());
    std::thread::spawn(move || tcp_threaded::server::serve(&listener, options, typed, out));
    let client = run(
        CLIENT,
        &["--port", &port, "--clients", "3", "-m", "hi", "-m", "二"],
        "",
    )
    .assert_success();
    assert_eq!(
        client.stdout.matches("reply: 老王:二\n").count(),
        3,
        "{client:?}"
    );
    assert!(
        client.stdout.contains("done: 3 clients, 6 replies in "),
        "{client:?}"
    );
}

#[cfg(unix)]
#[test]
fn python_server_stops_on_ctrl_c_sent_as_soon_as_it_listens() {
    let Some(mut server) = Proc::python(PY_SERVER, &["0"]) else {
        return;
    };
    server.listening_addr();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = server.finish().assert_success();
    assert!(
        out.stdout
            .contains("Ctrl-C (SIGINT): no new clients; 0 clients finishing"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("Traceback"), "{out:?}");
}
