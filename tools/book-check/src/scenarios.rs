//! The pitfall chapter's real runs: what `just demo` does for a lesson, but
//! for the things the tutorials get wrong.
//!
//! - `pitfall-sticky`: two `send()`s arrive as one `recv()` (粘包), on the
//!   tutorial's Python server and on the Rust port;
//! - `pitfall-time-wait`: the lesson-1 Python server cannot bind the port a
//!   Rust server just used (TIME_WAIT; std sets SO_REUSEADDR, Python does
//!   not), while the Rust server can; and the other way round, after the
//!   Python server served a client, even the Rust server cannot (on Linux
//!   the connection waiting in TIME_WAIT must have had the option too).
//!
//! Every wait is on output or on kernel state (`/proc/net/tcp`), bounded by
//! [`PATIENCE`]; never on the clock. Ports are normalised so the transcript
//! reads like a run on the tutorial's ports and is the same every time.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// The longest any one wait may take.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Where the programs are: the built binaries and the workspace root.
pub struct Env {
    /// `target/debug` (or wherever `cargo build --bins` put them).
    pub bin_dir: PathBuf,
    /// The workspace root (parent of the book).
    pub root: PathBuf,
    /// `python3`.
    pub python: PathBuf,
}

/// A running program whose output is collected as it arrives.
struct Prog {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
    /// The program writes piped input back after its prompt itself (the
    /// Rust lessons do, so piped runs read like typed ones; Python's
    /// `input()` does not, so the typed text is added here).
    echoes_input: bool,
}

impl Prog {
    fn start(cmd: Command) -> anyhow::Result<Prog> {
        Prog::start_with(cmd, true)
    }

    fn start_python(cmd: Command) -> anyhow::Result<Prog> {
        Prog::start_with(cmd, false)
    }

    fn start_with(mut cmd: Command, echoes_input: bool) -> anyhow::Result<Prog> {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start {cmd:?}"))?;
        // stdout and stderr are kept apart and shown stdout first: two
        // pipes read by two threads have no order between them, and a
        // transcript must come out the same every time. (What the lesson
        // programs print on stderr is their last line anyway.)
        let out = Arc::new(Mutex::new(Vec::new()));
        let err = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stdout.take() {
            let out = Arc::clone(&out);
            thread::spawn(move || copy_into(pipe, &out));
        }
        if let Some(pipe) = child.stderr.take() {
            let err = Arc::clone(&err);
            thread::spawn(move || copy_into(pipe, &err));
        }
        let stdin = child.stdin.take();
        Ok(Prog {
            child,
            stdin,
            out,
            err,
            echoes_input,
        })
    }

    /// Everything printed so far: stdout, then stderr.
    fn text(&self) -> String {
        let mut bytes = self.out.lock().map(|b| b.clone()).unwrap_or_default();
        bytes.extend(self.err.lock().map(|b| b.clone()).unwrap_or_default());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Waits until the output holds `needle` `count` times.
    fn wait_for(&self, needle: &str, count: usize) -> anyhow::Result<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.text();
            if text.matches(needle).count() >= count {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("waited {PATIENCE:?} for {needle:?}; the program printed:\n{text}");
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types `line` and a newline, shown in the transcript after the prompt
    /// as on a terminal.
    fn type_line(&mut self, line: &str) -> anyhow::Result<()> {
        if !self.echoes_input {
            if let Ok(mut out) = self.out.lock() {
                out.extend_from_slice(format!("{line}\n").as_bytes());
            }
        }
        let stdin = self.stdin.as_mut().context("stdin already closed")?;
        stdin.write_all(format!("{line}\n").as_bytes())?;
        stdin.flush()?;
        Ok(())
    }

    /// Waits for the program to exit by itself; returns its output.
    fn finish(mut self) -> anyhow::Result<(bool, String)> {
        drop(self.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait()? {
                // Let the reader threads catch the last bytes.
                let settle = Instant::now() + Duration::from_millis(200);
                let mut text = self.text();
                while Instant::now() < settle {
                    thread::sleep(Duration::from_millis(10));
                    text = self.text();
                }
                return Ok((status.success(), text));
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                bail!(
                    "did not exit within {PATIENCE:?}; it printed:\n{}",
                    self.text()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops a server that would run for ever (Ctrl-C); returns its output.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.text()
    }
}

impl Drop for Prog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_into(mut pipe: impl Read, out: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        if let Ok(mut out) = out.lock() {
            out.extend_from_slice(&buf[..n]);
        }
    }
}

/// The port in a server's `listening on HOST:PORT` line.
fn listening_port(prog: &Prog) -> anyhow::Result<u16> {
    let text = prog.wait_for("listening on ", 1)?;
    let line = text
        .lines()
        .find(|l| l.starts_with("listening on "))
        .context("no listening line")?;
    let port = line.rsplit(':').next().unwrap_or_default().trim();
    port.parse().with_context(|| format!("no port in {line:?}"))
}

/// Turns real ports into stable ones: `server` ports into the tutorial's,
/// every other port after `127.0.0.1:` into 50001, 50002... in order of
/// appearance (as `just demo --transcript` does).
struct Ports {
    known: HashMap<u16, u16>,
    servers: Vec<(u16, u16)>,
    next_client: u16,
}

impl Ports {
    fn new(servers: &[(u16, u16)]) -> Ports {
        Ports {
            known: servers.iter().copied().collect(),
            servers: servers.to_vec(),
            next_client: 50001,
        }
    }

    /// Replaces the port after `127.0.0.1:` (Rust, and our Python's own
    /// lines) and after `'127.0.0.1', ` (a Python address tuple).
    /// One more server port, shown as `shown`.
    fn add_server(&mut self, real: u16, shown: u16) {
        self.known.insert(real, shown);
        self.servers.push((real, shown));
    }

    fn normalise(&mut self, text: &str) -> String {
        let text = self.normalise_after(text, "127.0.0.1:");
        let text = self.normalise_after(&text, "'127.0.0.1', ");
        self.normalise_servers(&text)
    }

    /// A server's port also appears alone, e.g. in the advice
    /// `start it with: just run udp-echo-server --port 40123`.
    fn normalise_servers(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (real, shown) in &self.servers {
            text = replace_number(&text, *real, *shown);
        }
        text
    }

    fn normalise_after(&mut self, text: &str, prefix: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let after = at + prefix.len();
            out.push_str(&rest[..after]);
            rest = &rest[after..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if let Ok(port) = rest[..digits].parse::<u16>() {
                out.push_str(&self.map(port).to_string());
            } else {
                out.push_str(&rest[..digits]);
            }
            rest = &rest[digits..];
        }
        out.push_str(rest);
        out
    }

    fn map(&mut self, port: u16) -> u16 {
        if let Some(&shown) = self.known.get(&port) {
            return shown;
        }
        let shown = self.next_client;
        self.next_client += 1;
        self.known.insert(port, shown);
        shown
    }
}

/// Replaces the number `real` where it stands alone (not inside a longer
/// number) with `shown`.
fn replace_number(text: &str, real: u16, shown: u16) -> String {
    let real = real.to_string();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&real) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + real.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(&real);
        } else {
            out.push_str(&shown.to_string());
        }
        rest = &rest[at + real.len()..];
    }
    out.push_str(rest);
    out
}

fn bin(env: &Env, name: &str, args: &[String]) -> Command {
    let mut cmd = Command::new(env.bin_dir.join(name));
    cmd.args(args).env_remove("RUST_LOG");
    cmd
}

fn python(env: &Env, script: &str, args: &[String]) -> Command {
    let mut cmd = Command::new(&env.python);
    cmd.arg("-u").arg(env.root.join(script)).args(args);
    cmd.env("PYTHONIOENCODING", "utf-8");
    cmd
}

fn section(title: &str, body: &str) -> String {
    format!("── {title} ──\n{}\n", body.trim_end())
}

/// 粘包: a client sends `first`, then — while the server's person is still
/// typing the reply — `second` and `third` in two separate sends. The
/// server's next `recv(1024)` returns both at once.
pub fn sticky(env: &Env) -> anyhow::Result<String> {
    let mut transcript = String::new();
    let servers: [(&str, Command, &str, &str); 2] = [
        (
            "the tutorial's Python server: python3 crates/tcp-loop/python/server.py",
            python(env, "crates/tcp-loop/python/server.py", &["0".into()]),
            ">>>",
            "<class 'bytes'>",
        ),
        (
            "the Rust server: just run tcp-loop-server",
            bin(env, "tcp-loop-server", &["--port".into(), "0".into()]),
            "reply> ",
            "received: ",
        ),
    ];
    for (title, cmd, prompt, received) in servers {
        let mut server = if prompt == ">>>" {
            Prog::start_python(cmd)?
        } else {
            Prog::start(cmd)?
        };
        let port = listening_port(&server)?;
        let mut ports = Ports::new(&[(port, 8081)]);
        let mut client_log = String::new();
        let mut conn = TcpStream::connect(("127.0.0.1", port))?;
        conn.set_read_timeout(Some(PATIENCE))?;

        send(&mut conn, "first", &mut client_log)?;
        server.wait_for(prompt, 1)?;
        // The server's person has not answered yet: two more sends.
        send(&mut conn, "second", &mut client_log)?;
        send(&mut conn, "third", &mut client_log)?;
        wait_for_rx_queue(port, "secondthird".len())?;
        server.type_line("ok")?;
        server.wait_for(received, 2)?;
        receive(&mut conn, &mut client_log)?;
        server.wait_for(prompt, 2)?;
        server.type_line("got it")?;
        receive(&mut conn, &mut client_log)?;
        conn.shutdown(Shutdown::Both)?;
        drop(conn);
        client_log.push_str("close()\n");
        server.wait_for(if prompt == ">>>" { "left" } else { "left;" }, 1)?;
        let server_text = server.stop();

        transcript.push_str(&section(title, &ports.normalise(&server_text)));
        transcript.push('\n');
        transcript.push_str(&section(
            "the client: three send() calls, then two recv(1024)",
            &client_log,
        ));
        transcript.push('\n');
    }
    Ok(transcript.trim_end().to_string() + "\n")
}

fn send(conn: &mut TcpStream, text: &str, log: &mut String) -> anyhow::Result<()> {
    conn.write_all(text.as_bytes())?;
    log.push_str(&format!("send({text:?}) -> {} bytes\n", text.len()));
    Ok(())
}

fn receive(conn: &mut TcpStream, log: &mut String) -> anyhow::Result<()> {
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf).context("reading the reply")?;
    log.push_str(&format!(
        "recv(1024) -> {:?}\n",
        String::from_utf8_lossy(&buf[..n])
    ));
    Ok(())
}

/// Waits until the kernel holds at least `bytes` unread bytes for the
/// server's side of a connection on `port`: proof that both sends arrived
/// before the server reads again, so the run is the same every time.
fn wait_for_rx_queue(port: u16, bytes: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let queued = proc_net_tcp()?
            .iter()
            .filter(|s| s.local_port == port && s.state == ESTABLISHED)
            .map(|s| s.rx_queue)
            .max()
            .unwrap_or(0);
        if queued >= bytes {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the server's socket never held {bytes} unread bytes (saw {queued})");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

const ESTABLISHED: u8 = 0x01;
const TIME_WAIT: u8 = 0x06;

/// One IPv4 TCP socket as `/proc/net/tcp` lists it.
struct Socket {
    local_port: u16,
    remote_port: u16,
    state: u8,
    rx_queue: usize,
}

/// The IPv4 TCP sockets of this machine (Linux only).
fn proc_net_tcp() -> anyhow::Result<Vec<Socket>> {
    let table = std::fs::read_to_string("/proc/net/tcp")
        .context("cannot read /proc/net/tcp (this run needs Linux)")?;
    Ok(table.lines().skip(1).filter_map(parse_socket).collect())
}

fn parse_socket(line: &str) -> Option<Socket> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let port = |addr: &str| u16::from_str_radix(addr.split(':').nth(1)?, 16).ok();
    let rx = fields.get(4)?.split(':').nth(1)?;
    Some(Socket {
        local_port: port(fields.get(1)?)?,
        remote_port: port(fields.get(2)?)?,
        state: u8::from_str_radix(fields.get(3)?, 16).ok()?,
        rx_queue: usize::from_str_radix(rx, 16).ok()?,
    })
}

/// A character cut in two by the 1024-byte read: 1023 ASCII bytes and then
/// `你` (three bytes in UTF-8), sent in one write. The first `recv(1024)`
/// gets the 1023 bytes and the first byte of `你`. The tutorial's
/// `.decode("utf-8")` crashes; the Rust lesson 1 server shows `�`; the
/// lesson 2 server carries the byte over and completes the character.
pub fn utf8_split(env: &Env) -> anyhow::Result<String> {
    let message = format!("{}你", "x".repeat(1023));
    let mut transcript = format!(
        "── the client sends {} bytes in one write: 1023 × 'x', then 你 (bytes e4 bd a0) ──\n\n",
        message.len()
    );
    let runs: [(&str, Command, bool, u16); 3] = [
        (
            "the tutorial's way: python3 crates/tcp-echo/python/server.py",
            python(env, "crates/tcp-echo/python/server.py", &["0".into()]),
            true,
            9999,
        ),
        (
            "lesson 1 in Rust: just run tcp-echo-server --reply ok",
            bin(
                env,
                "tcp-echo-server",
                &["--port".into(), "0".into(), "--reply".into(), "ok".into()],
            ),
            true,
            9999,
        ),
        (
            "lesson 2 in Rust: just run tcp-loop-server --echo",
            bin(
                env,
                "tcp-loop-server",
                &["--port".into(), "0".into(), "--echo".into()],
            ),
            false,
            8081,
        ),
    ];
    for (title, cmd, exits, shown_port) in runs {
        let server = if title.contains("python3") {
            Prog::start_python(cmd)?
        } else {
            Prog::start(cmd)?
        };
        let port = listening_port(&server)?;
        let mut ports = Ports::new(&[(port, shown_port)]);
        let mut conn = TcpStream::connect(("127.0.0.1", port))?;
        conn.write_all(message.as_bytes())?;
        let text = if exits {
            let (ok, text) = server.finish()?;
            drop(conn);
            if ok {
                text
            } else {
                // A traceback names files on this machine: keep its last line.
                let last = text
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default();
                let head: Vec<&str> = text
                    .lines()
                    .take_while(|l| !l.starts_with("Traceback"))
                    .collect();
                format!(
                    "{}\nTraceback (most recent call last): ...\n{last}\n(exit status 1)",
                    head.join("\n")
                )
            }
        } else {
            server.wait_for("received: 你", 1)?;
            // Take the echo before closing: closing with unread data would
            // reset the connection instead of ending it cleanly.
            conn.set_read_timeout(Some(PATIENCE))?;
            let mut echo = vec![0u8; message.len()];
            conn.read_exact(&mut echo).context("reading the echo")?;
            drop(conn);
            server.wait_for("left", 1)?;
            server.stop()
        };
        transcript.push_str(&section(title, &shorten_runs(&ports.normalise(&text))));
        transcript.push('\n');
    }
    Ok(transcript.trim_end().to_string() + "\n")
}

/// `xxxx…` (20 or more) becomes `[1023 × 'x']`, so a transcript of a long
/// message stays readable.
fn shorten_runs(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut count = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            count += 1;
        }
        if count >= 20 && c == 'x' {
            out.push_str(&format!("[{count} × 'x']"));
        } else {
            out.extend(std::iter::repeat(c).take(count));
        }
    }
    out
}

/// The errors learners meet most, as the programs really print them: each
/// a run of a lesson program that fails on purpose.
pub fn errors(env: &Env) -> anyhow::Result<String> {
    let mut transcript = String::new();
    // One failing run, its output and exit status.
    let record = |title: &str, prog: Prog, ports: &mut Ports| -> anyhow::Result<String> {
        let (ok, text) = prog.finish()?;
        let status = if ok { "exit status 0" } else { "exit status 1" };
        let text = ports.normalise(&text);
        Ok(section(title, &format!("{}\n({status})", text.trim_end())) + "\n")
    };

    // No server: connection refused.
    let port = free_port()?;
    let mut ports = Ports::new(&[(port, 9999)]);
    let client = Prog::start(bin(
        env,
        "tcp-echo-client",
        &[
            "--port".into(),
            port.to_string(),
            "--message".into(),
            "hi".into(),
        ],
    ))?;
    transcript.push_str(&record(
        "no server running: just run tcp-echo-client",
        client,
        &mut ports,
    )?);
    let py = Prog::start_python(python(
        env,
        "crates/tcp-echo/python/client.py",
        &[port.to_string()],
    ))?;
    let (_, text) = py.finish()?;
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    transcript.push_str(&section(
        "the same in Python: python3 crates/tcp-echo/python/client.py",
        &format!("Traceback (most recent call last): ...\n{last}\n(exit status 1)"),
    ));
    transcript.push('\n');

    // The port is taken: a second server on it.
    let first = Prog::start(bin(
        env,
        "tcp-echo-server",
        &["--port".into(), "0".into(), "--reply".into(), "hi".into()],
    ))?;
    let port = listening_port(&first)?;
    let mut ports = Ports::new(&[(port, 9999)]);
    let second = Prog::start(bin(
        env,
        "tcp-echo-server",
        &["--port".into(), port.to_string()],
    ))?;
    transcript.push_str(&record(
        "a second server on the same port: just run tcp-echo-server",
        second,
        &mut ports,
    )?);
    drop(first);

    // A port that is not a port.
    let mut ports = Ports::new(&[]);
    let bad = Prog::start(bin(
        env,
        "tcp-echo-client",
        &["--port".into(), "70000".into()],
    ))?;
    let (_, text) = bad.finish()?;
    transcript.push_str(&section(
        "a port out of range: just run tcp-echo-client --port 70000",
        &format!("{}\n(exit status 2)", ports.normalise(&text).trim_end()),
    ));
    transcript.push('\n');

    // UDP: nobody listening, and nobody says so.
    let port = free_udp_port()?;
    let mut ports = Ports::new(&[(port, 9001)]);
    let udp = Prog::start(bin(
        env,
        "udp-echo-client",
        &[
            "--port".into(),
            port.to_string(),
            "--message".into(),
            "hi".into(),
            "--timeout".into(),
            "0.5".into(),
        ],
    ))?;
    transcript.push_str(&record(
        "UDP, no server: just run udp-echo-client --port 9001 --timeout 0.5",
        udp,
        &mut ports,
    )?);
    Ok(transcript.trim_end().to_string() + "\n")
}

/// A UDP port nobody uses right now.
fn free_udp_port() -> anyhow::Result<u16> {
    Ok(std::net::UdpSocket::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A port nobody uses right now (the system's choice, released at once).
fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// TIME_WAIT: the Rust lesson-1 server serves one client and closes first;
/// its side of the connection waits in TIME_WAIT. The Python server, started
/// right away on the same port, cannot bind it; the Rust server can. Then
/// the other way round ([`time_wait_without_option`]).
pub fn time_wait(env: &Env) -> anyhow::Result<String> {
    // The server closes first almost always (it closes right after
    // sending; the client closes after reading). If the client won the
    // race, there is no TIME_WAIT on the server's port: try a fresh port.
    for _attempt in 0..5 {
        let port = free_port()?;
        let mut ports = Ports::new(&[(port, 9999)]);
        let first = echo_round(env, port, &mut ports)?;
        let Some(waiting) = proc_net_tcp()?
            .into_iter()
            .find(|s| s.local_port == port && s.state == TIME_WAIT)
        else {
            continue;
        };
        let kernel = format!(
            "── the kernel (/proc/net/tcp): the side that closed first waits ──\n\
             127.0.0.1:{} <-> 127.0.0.1:{}  TIME_WAIT\n",
            port, waiting.remote_port
        );

        let py = Prog::start_python(python(
            env,
            "crates/tcp-echo/python/server.py",
            &[port.to_string()],
        ))?;
        let (ok, text) = py.finish()?;
        if ok || !text.contains("Address already in use") {
            bail!("the Python server was expected to fail with `Address already in use`, but printed:\n{text}");
        }
        // The traceback names files on this machine; its last line is the point.
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        let python_part = section(
            "right away: python3 crates/tcp-echo/python/server.py 9999",
            &format!("Traceback (most recent call last): ...\n{last}\n(exit status 1)"),
        );

        let second = echo_round(env, port, &mut ports)?;
        let other_way = time_wait_without_option(env, &mut ports)?;
        return Ok(format!(
            "{first}\n{}\n{python_part}\n{second}\n{other_way}",
            ports.normalise(&kernel)
        ));
    }
    bail!("in 5 tries the client always closed first, so no TIME_WAIT was left to show")
}

/// The other way round: the tutorial's Python server, which does not set
/// SO_REUSEADDR, serves one client and closes first. Its connection waits
/// in TIME_WAIT without the option, and on Linux that stops every new
/// listener on the port for about a minute, the Rust server's too, although
/// std sets SO_REUSEADDR: the old socket must have had it as well.
fn time_wait_without_option(env: &Env, ports: &mut Ports) -> anyhow::Result<String> {
    for _attempt in 0..5 {
        let mut server = Prog::start_python(python(
            env,
            "crates/tcp-echo/python/server.py",
            &["0".into()],
        ))?;
        let port = listening_port(&server)?;
        ports.add_server(port, 9999);
        let client = Prog::start(bin(
            env,
            "tcp-echo-client",
            &[
                "--port".into(),
                port.to_string(),
                "--message".into(),
                "hi".into(),
            ],
        ))?;
        server.wait_for("请输入 >>> :", 1)?;
        server.type_line("bye")?;
        let (server_ok, server_text) = server.finish()?;
        let (client_ok, client_text) = client.finish()?;
        if !(client_ok && server_ok) {
            bail!(
                "the Python tcp-echo server failed on port {port}:\n{server_text}\n{client_text}"
            );
        }
        let Some(waiting) = proc_net_tcp()?
            .into_iter()
            .find(|s| s.local_port == port && s.state == TIME_WAIT)
        else {
            continue;
        };
        let kernel = format!(
            "── the kernel: this time the socket waiting in TIME_WAIT has no SO_REUSEADDR ──\n\
             127.0.0.1:{} <-> 127.0.0.1:{}  TIME_WAIT\n",
            port, waiting.remote_port
        );
        let rust = Prog::start(bin(
            env,
            "tcp-echo-server",
            &[
                "--port".into(),
                port.to_string(),
                "--reply".into(),
                "bye".into(),
            ],
        ))?;
        let (ok, text) = rust.finish()?;
        if ok || !text.contains("already in use") {
            bail!(
                "the Rust server was expected to fail with `already in use`, but printed:\n{text}"
            );
        }
        return Ok(format!(
            "{}\n{}\n{}\n{}",
            section(
                "the other way round: python3 crates/tcp-echo/python/server.py 9999",
                &ports.normalise(&server_text)
            ),
            section(
                "just run tcp-echo-client --message hi",
                &ports.normalise(&client_text)
            ),
            ports.normalise(&kernel),
            section(
                "right away: just run tcp-echo-server --reply bye",
                &format!("{}\n(exit status 1)", ports.normalise(&text).trim_end())
            )
        ));
    }
    bail!("in 5 tries the client always closed first, so no TIME_WAIT was left to show")
}

/// One run of the Rust tcp-echo server and client on `port`.
fn echo_round(env: &Env, port: u16, ports: &mut Ports) -> anyhow::Result<String> {
    let args = |extra: &[&str]| {
        ["--port", &port.to_string()]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let server = Prog::start(bin(env, "tcp-echo-server", &args(&["--reply", "bye"])))?;
    listening_port(&server)?;
    let client = Prog::start(bin(env, "tcp-echo-client", &args(&["--message", "hi"])))?;
    let (client_ok, client_text) = client.finish()?;
    let (server_ok, server_text) = server.finish()?;
    if !(client_ok && server_ok) {
        bail!("tcp-echo failed on port {port}:\n{server_text}\n{client_text}");
    }
    Ok(format!(
        "{}\n{}",
        section(
            "just run tcp-echo-server --reply bye",
            &ports.normalise(&server_text)
        ),
        section(
            "just run tcp-echo-client --message hi",
            &ports.normalise(&client_text)
        )
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_normalised_in_order() {
        let mut ports = Ports::new(&[(40000, 8081)]);
        let text = "listening on 127.0.0.1:40000\nfrom 127.0.0.1:51234 and 127.0.0.1:51999, again 127.0.0.1:51234";
        assert_eq!(
            ports.normalise(text),
            "listening on 127.0.0.1:8081\nfrom 127.0.0.1:50001 and 127.0.0.1:50002, again 127.0.0.1:50001"
        );
    }

    #[test]
    fn python_tuples_are_normalised_and_runs_shortened() {
        let mut ports = Ports::new(&[]);
        assert_eq!(
            ports.normalise("addr ('127.0.0.1', 43210)"),
            "addr ('127.0.0.1', 50001)"
        );
        assert_eq!(shorten_runs(&"x".repeat(30)), "[30 × 'x']");
        assert_eq!(shorten_runs("xx yy"), "xx yy");
    }

    #[test]
    fn lone_server_ports_are_normalised() {
        let mut ports = Ports::new(&[(40123, 9001)]);
        assert_eq!(
            ports.normalise("run: x --port 40123 (not 401234)"),
            "run: x --port 9001 (not 401234)"
        );
    }

    #[test]
    fn proc_net_tcp_lines_parse() {
        let line = "   1: 0100007F:B043 0100007F:DC34 06 00000000:0000000B 03:0000175B 00000000     0        0 0 3 0";
        let s = parse_socket(line).unwrap();
        assert_eq!(
            (s.local_port, s.remote_port, s.state, s.rx_queue),
            (45123, 56372, 6, 11)
        );
    }
}
