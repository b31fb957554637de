//! One scripted run per lesson: which programs start, what is typed into
//! them, and what to wait for before the next step.
//!
//! Each scenario waits on output, never on the clock, except where a pause IS
//! the point (showing that a client is kept waiting).

/// One thing the demo does.
pub enum Step {
    /// Start `bin` as `who`; `{port:NAME}` in `args` becomes the port server
    /// NAME chose. `shown` is the command a learner would type.
    Start {
        who: &'static str,
        bin: &'static str,
        args: Vec<String>,
        shown: &'static str,
    },
    /// Type `text` on `who`'s stdin.
    Type {
        who: &'static str,
        text: &'static str,
    },
    /// Wait until `who`'s stdout contains `text` `count` times.
    WaitFor {
        who: &'static str,
        text: &'static str,
        count: usize,
    },
    /// Explain what is happening (live mode only).
    Note(&'static str),
    /// Let time pass, showing output meanwhile.
    Pause(u64),
    /// The person at `who`'s keyboard is done (Ctrl-D).
    CloseStdin { who: &'static str },
    /// Wait for `who` to exit by itself.
    Exit { who: &'static str },
    /// Stop a server that would run forever (Ctrl-C).
    Stop { who: &'static str },
}

use Step::*;

fn start(who: &'static str, bin: &'static str, args: &[&str], shown: &'static str) -> Step {
    Start {
        who,
        bin,
        args: args.iter().map(|a| a.to_string()).collect(),
        shown,
    }
}

fn wait(who: &'static str, text: &'static str) -> Step {
    WaitFor {
        who,
        text,
        count: 1,
    }
}

fn wait_n(who: &'static str, text: &'static str, count: usize) -> Step {
    WaitFor { who, text, count }
}

/// The lessons, with the default port of each server the scenario starts
/// (used to make transcripts read like a run on the tutorial's ports).
pub fn lesson(name: &str) -> Option<(Vec<Step>, Vec<(&'static str, u16)>)> {
    let scenario = match name {
        "tcp-echo" => (tcp_echo(), vec![("server", 9999)]),
        "tcp-loop" => (tcp_loop(), vec![("server", 8081)]),
        "udp-echo" => (udp_echo(), vec![("server", 9000)]),
        _ => return None,
    };
    Some(scenario)
}

/// The names `lesson` knows, for `--help` and error messages.
pub const LESSONS: &[&str] = &["tcp-echo", "tcp-loop", "udp-echo"];

fn tcp_echo() -> Vec<Step> {
    vec![
        start(
            "server",
            "tcp-echo-server",
            &["--port", "0"],
            "just run tcp-echo-server",
        ),
        Note("the server waits in accept() until a client connects"),
        start(
            "client",
            "tcp-echo-client",
            &["--port", "{port:server}"],
            "just run tcp-echo-client",
        ),
        wait("client", "message> "),
        Type {
            who: "client",
            text: "hello, server\n",
        },
        wait("server", "received: "),
        Note("the person at the server types the reply"),
        Type {
            who: "server",
            text: "hello, client\n",
        },
        Exit { who: "client" },
        Exit { who: "server" },
    ]
}

fn tcp_loop() -> Vec<Step> {
    vec![
        start("server", "tcp-loop-server", &["--port", "0"], "just run tcp-loop-server"),
        start(
            "client",
            "tcp-loop-client",
            &["--port", "{port:server}"],
            "just run tcp-loop-client",
        ),
        wait("client", "message> "),
        Type { who: "client", text: "hello\n" },
        wait("server", "reply> "),
        Type { who: "server", text: "hi, how can I help?\n" },
        wait_n("client", "message> ", 2),
        Note("an empty line is skipped: sending zero bytes would send nothing"),
        Type { who: "client", text: "\n" },
        Type { who: "client", text: "what time is it?\n" },
        wait_n("server", "reply> ", 2),
        Type { who: "server", text: "time to learn sockets\n" },
        wait_n("client", "message> ", 4),
        Note("`quit` closes the connection: the server's recv() returns 0 bytes"),
        Type { who: "client", text: "quit\n" },
        Exit { who: "client" },
        wait("server", "waiting for the next client"),
        Note("the server goes back to accept(); Ctrl-C stops it"),
        Stop { who: "server" },
    ]
}

fn udp_echo() -> Vec<Step> {
    vec![
        start("server", "udp-echo-server", &["--port", "0"], "just run udp-echo-server"),
        Note("no listen(), no accept(): the server just waits for datagrams"),
        start(
            "client",
            "udp-echo-client",
            &["--port", "{port:server}"],
            "just run udp-echo-client",
        ),
        wait("client", "message> "),
        Type { who: "client", text: "hello\n" },
        wait_n("client", "message> ", 2),
        Type { who: "client", text: "你好, UDP\n" },
        wait_n("client", "message> ", 3),
        CloseStdin { who: "client" },
        Exit { who: "client" },
        wait_n("server", "received from", 2),
        Stop { who: "server" },
    ]
}
