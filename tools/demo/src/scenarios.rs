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
    /// Press Ctrl-C in `who`'s terminal (SIGINT), for a program that stops
    /// gracefully, and wait for it to exit by itself.
    Interrupt { who: &'static str },
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

/// A lesson's scripted run.
pub struct Scenario {
    pub steps: Vec<Step>,
    /// The usual port of each server the scenario starts on port 0, so a
    /// transcript reads like a run on the tutorial's ports.
    pub ports: Vec<(&'static str, u16)>,
}

/// The scenario of the lesson called `name`.
pub fn lesson(name: &str) -> Option<Scenario> {
    let (steps, ports) = match name {
        "tcp-echo" => (tcp_echo(), vec![("server", 9999)]),
        "tcp-loop" => (tcp_loop(), vec![("server", 8081)]),
        "tcp-serial" => (tcp_serial(), vec![("server", 7890)]),
        "tcp-threaded" => (tcp_threaded(), vec![("server", 9998)]),
        "tcp-select" => (tcp_select(), vec![("server", 9997)]),
        "tcp-async" => (tcp_async(), vec![("server", 9996)]),
        "udp-echo" => (udp_echo(), vec![("server", 9000)]),
        "udp-chat" => (udp_chat(), vec![("zhangsan", 8081), ("lisi", 8082)]),
        "udp-faults" => (udp_faults(), vec![("server", 9000), ("relay", 9001)]),
        _ => return None,
    };
    Some(Scenario { steps, ports })
}

/// The names `lesson` knows, for `--help` and error messages.
pub const LESSONS: &[&str] = &[
    "tcp-echo",
    "tcp-loop",
    "tcp-serial",
    "tcp-threaded",
    "tcp-select",
    "tcp-async",
    "udp-echo",
    "udp-chat",
    "udp-faults",
];

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
        wait("server", "reply> "),
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
        start(
            "server",
            "tcp-loop-server",
            &["--port", "0"],
            "just run tcp-loop-server",
        ),
        start(
            "client",
            "tcp-loop-client",
            &["--port", "{port:server}"],
            "just run tcp-loop-client",
        ),
        wait("client", "message> "),
        Type {
            who: "client",
            text: "hello\n",
        },
        wait("server", "reply> "),
        Type {
            who: "server",
            text: "hi, how can I help?\n",
        },
        wait_n("client", "message> ", 2),
        Note("an empty line is skipped: sending zero bytes would send nothing"),
        Type {
            who: "client",
            text: "\n",
        },
        Type {
            who: "client",
            text: "what time is it?\n",
        },
        wait_n("client", "message> ", 3),
        wait_n("server", "reply> ", 2),
        Type {
            who: "server",
            text: "time to learn sockets\n",
        },
        wait_n("client", "message> ", 4),
        Note("`quit` closes the connection: the server's recv() returns 0 bytes"),
        Type {
            who: "client",
            text: "quit\n",
        },
        Exit { who: "client" },
        wait("server", "waiting for the next client"),
        Note("the server goes back to accept(); Ctrl-C stops it"),
        Stop { who: "server" },
    ]
}

fn udp_echo() -> Vec<Step> {
    vec![
        start(
            "server",
            "udp-echo-server",
            &["--port", "0"],
            "just run udp-echo-server",
        ),
        Note("no listen(), no accept(): the server just waits for datagrams"),
        start(
            "client",
            "udp-echo-client",
            &["--port", "{port:server}"],
            "just run udp-echo-client",
        ),
        wait("client", "message> "),
        Type {
            who: "client",
            text: "hello\n",
        },
        wait("server", "received from"),
        wait_n("client", "message> ", 2),
        Type {
            who: "client",
            text: "你好, UDP\n",
        },
        wait_n("server", "received from", 2),
        wait_n("client", "message> ", 3),
        CloseStdin { who: "client" },
        Exit { who: "client" },
        wait_n("server", "received from", 2),
        Stop { who: "server" },
    ]
}

fn tcp_serial() -> Vec<Step> {
    vec![
        start("server", "tcp-serial-server", &["--port", "0"], "just run tcp-serial-server"),
        start(
            "client A",
            "tcp-serial-client",
            &["--port", "{port:server}"],
            "just run tcp-serial-client",
        ),
        wait("client A", "message> "),
        Type { who: "client A", text: "hello from A\n" },
        wait("server", "received: hello from A"),
        wait("client A", "reply: "),
        Note("client B connects while the server is still busy with A"),
        start(
            "client B",
            "tcp-serial-client",
            &["--port", "{port:server}"],
            "just run tcp-serial-client",
        ),
        wait("client B", "message> "),
        Type { who: "client B", text: "hello from B\n" },
        Note("B is connected (the kernel finished the handshake) but nobody reads its message: the server is in A's loop"),
        Pause(1500),
        Note("A says quit: the server closes A, accepts B and answers at once"),
        Type { who: "client A", text: "quit\n" },
        Exit { who: "client A" },
        wait("server", "received: hello from B"),
        wait("client B", "reply: "),
        Type { who: "client B", text: "quit\n" },
        Exit { who: "client B" },
        wait_n("server", "waiting for a client", 3),
        Stop { who: "server" },
    ]
}

fn tcp_threaded() -> Vec<Step> {
    vec![
        start(
            "server",
            "tcp-threaded-server",
            &["--port", "0"],
            "just run tcp-threaded-server",
        ),
        start(
            "client A",
            "tcp-threaded-client",
            &["--port", "{port:server}"],
            "just run tcp-threaded-client",
        ),
        wait("client A", "message> "),
        Type {
            who: "client A",
            text: "你好\n",
        },
        wait("server", "reply to "),
        Note("each prompt says which client the typed reply goes to"),
        Type {
            who: "server",
            text: "你好, 老王\n",
        },
        wait("client A", "reply: "),
        Note("client B connects while A is still connected: it gets its own thread"),
        start(
            "client B",
            "tcp-threaded-client",
            &["--port", "{port:server}", "--name", "小明"],
            "just run tcp-threaded-client --name 小明",
        ),
        wait("client B", "message> "),
        Type {
            who: "client B",
            text: "在吗?\n",
        },
        wait_n("server", "reply to ", 2),
        Type {
            who: "server",
            text: "在, 小明\n",
        },
        wait("client B", "reply: "),
        Note("A is still served while B is connected"),
        Type {
            who: "client A",
            text: "还在吗?\n",
        },
        wait_n("client A", "message> ", 2),
        wait_n("server", "reply to ", 3),
        Type {
            who: "server",
            text: "一直都在\n",
        },
        wait_n("client A", "reply: ", 2),
        Type {
            who: "client A",
            text: "exit\n",
        },
        Exit { who: "client A" },
        Type {
            who: "client B",
            text: "exit\n",
        },
        Exit { who: "client B" },
        wait_n("server", " now)", 4),
        Stop { who: "server" },
    ]
}

fn tcp_select() -> Vec<Step> {
    vec![
        start(
            "server",
            "tcp-select-server",
            &["--port", "0"],
            "just run tcp-select-server",
        ),
        Note("one thread serves every client; the only place it waits is poll()"),
        start(
            "client A",
            "tcp-select-client",
            &["--port", "{port:server}"],
            "just run tcp-select-client",
        ),
        wait("client A", "message> "),
        Note("A is connected and says nothing: nobody waits for it"),
        start(
            "client B",
            "tcp-select-client",
            &["--port", "{port:server}", "--name", "小明"],
            "just run tcp-select-client --name 小明",
        ),
        wait("client B", "message> "),
        Type {
            who: "client B",
            text: "在吗?\n",
        },
        wait("client B", "[1] reply: "),
        Note("B was answered at once; now A speaks"),
        Type {
            who: "client A",
            text: "你好\n",
        },
        wait("client A", "[1] reply: "),
        Type {
            who: "client B",
            text: "exit\n",
        },
        Exit { who: "client B" },
        Type {
            who: "client A",
            text: "exit\n",
        },
        Exit { who: "client A" },
        wait_n("server", " now)", 4),
        Stop { who: "server" },
    ]
}

fn udp_chat() -> Vec<Step> {
    vec![
        start(
            "zhangsan",
            "udp-chat-server",
            &["--port", "0", "--reply", "我是张三, 收到"],
            "just run udp-chat-server --reply '我是张三, 收到'",
        ),
        start(
            "lisi",
            "udp-chat-server",
            &["--port", "0", "--reply", "李四在此"],
            "just run udp-chat-server --port 8082 --reply 李四在此",
        ),
        Note("王五's server is not running: the client will say so and go on"),
        start(
            "client",
            "udp-chat-client",
            &[
                "--contact",
                "张三=127.0.0.1:{port:zhangsan}",
                "--contact",
                "李四=127.0.0.1:{port:lisi}",
                "--contact",
                "王五=127.0.0.1:8083",
                "--timeout",
                "1",
            ],
            "just run udp-chat-client",
        ),
        Type {
            who: "client",
            text: "张三\n你好\nquit\n李四\n在吗?\nquit\n王五\n有人吗?\nquit\n小红\nquit\n",
        },
        CloseStdin { who: "client" },
        Exit { who: "client" },
        wait("zhangsan", "from ["),
        wait("lisi", "from ["),
        Stop { who: "zhangsan" },
        Stop { who: "lisi" },
    ]
}

/// udp-echo through the faulty relay: one answer lost, one held back past
/// the client's wait, one delivered twice. The client shows each for what
/// it is, and no answer is shown against the wrong message.
fn udp_faults() -> Vec<Step> {
    vec![
        start(
            "server",
            "udp-echo-server",
            &["--port", "0"],
            "just run udp-echo-server",
        ),
        Note("the relay forwards to the server; its plan is for the answers, one fate each"),
        start(
            "relay",
            "udp-relay",
            &[
                "--listen",
                "127.0.0.1:0",
                "--to",
                "127.0.0.1:{port:server}",
                "--plan",
                "ok,drop,late,ok,dup,ok,ok",
                "--hold",
                "0.6",
            ],
            "just udp-relay --listen 127.0.0.1:9001 --to 127.0.0.1:9000 --plan ok,drop,late,ok,dup,ok,ok --hold 0.6",
        ),
        Note("the client sends to the relay and waits 0.4 s for each answer"),
        start(
            "client",
            "udp-echo-client",
            &["--port", "{port:relay}", "--timeout", "0.4"],
            "just run udp-echo-client --port 9001 --timeout 0.4",
        ),
        wait("client", "message> "),
        Note("m2's answer will be lost, m3's held past its wait (the client waits for it once more at the end), m5's sent twice"),
        Type {
            who: "client",
            text: "m1\nm2\nm3\nm4\nm5\nm6\nm7\n",
        },
        CloseStdin { who: "client" },
        Exit { who: "client" },
        wait("relay", "released after"),
        Stop { who: "relay" },
        Stop { who: "server" },
    ]
}

fn tcp_async() -> Vec<Step> {
    vec![
        start(
            "server",
            "tcp-async-server",
            &["--port", "0"],
            "just run tcp-async-server",
        ),
        start(
            "client A",
            "tcp-async-client",
            &["--port", "{port:server}"],
            "just run tcp-async-client",
        ),
        wait("client A", "message> "),
        Type {
            who: "client A",
            text: "你好\n",
        },
        wait("client A", "[1] reply: "),
        Note("A stays connected; B opens two connections, and the server's one thread serves all three"),
        start(
            "client B",
            "tcp-async-client",
            &["--port", "{port:server}", "--name", "小明", "--clients", "2", "-m", "在吗?", "-m", "再见"],
            "just run tcp-async-client --name 小明 --clients 2 -m 在吗? -m 再见",
        ),
        Exit { who: "client B" },
        wait_n("server", " now)", 5),
        Type {
            who: "client A",
            text: "还在吗?\n",
        },
        wait_n("client A", "[1] reply: ", 2),
        Note("Ctrl-C at the server: no new clients, A's connection is closed, the server exits 0"),
        Interrupt { who: "server" },
        CloseStdin { who: "client A" },
        Exit { who: "client A" },
    ]
}
