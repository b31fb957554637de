//! Helpers for the lessons' tests: run a binary or a Python script as a real
//! process, talk to it over real loopback sockets, and never hang.
//!
//! Every wait here is bounded by [`TIMEOUT`]. A process that does not do what
//! a test waits for is killed, and the test fails with everything the process
//! printed so far, so a broken server shows up as a readable failure, not a
//! stuck `cargo test`.

mod printed;

pub use printed::{shared_out, Printed, SharedOut};

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The longest any single wait in a test may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Output captured from a stream of a child process, shared with the thread
/// that reads it.
#[derive(Default)]
struct Captured {
    bytes: Mutex<(Vec<u8>, bool)>, // (everything so far, stream ended)
    changed: Condvar,
}

impl Captured {
    fn start(mut from: impl Read + Send + 'static) -> Arc<Captured> {
        let captured = Arc::new(Captured::default());
        let sink = Arc::clone(&captured);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = from.read(&mut buf).unwrap_or(0);
                let mut guard = sink.bytes.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    guard.1 = true;
                } else {
                    guard.0.extend_from_slice(&buf[..n]);
                }
                sink.changed.notify_all();
                if n == 0 {
                    break;
                }
            }
        });
        captured
    }

    fn text(&self) -> String {
        let guard = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&guard.0).into_owned()
    }

    /// Waits until `done` holds for the text so far, or the deadline passes.
    fn wait_for(
        &self,
        deadline: Instant,
        done: impl Fn(&str, bool) -> bool,
    ) -> Result<String, String> {
        let mut guard = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let text = String::from_utf8_lossy(&guard.0).into_owned();
            if done(&text, guard.1) {
                return Ok(text);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(text);
            }
            guard = self
                .changed
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A running child process whose stdout and stderr are captured.
/// Dropping it kills the process.
pub struct Proc {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Captured>,
    stderr: Arc<Captured>,
}

/// How a process ended and what it printed.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// Panics with the whole transcript unless the process exited 0.
    pub fn assert_success(self) -> Self {
        assert!(self.status.success(), "expected success, got {self:#?}");
        self
    }

    /// Panics unless this is a client that found its server gone: a failure
    /// with one line on stderr saying the server closed the connection or,
    /// when the client's message reached it before it closed, reset it.
    pub fn assert_server_hung_up(self) -> Self {
        assert!(!self.status.success(), "{self:?}");
        assert_eq!(self.stderr.lines().count(), 1, "{self:?}");
        assert!(
            self.stderr
                .contains("closed the connection before replying")
                || self.stderr.contains("reset by the other side"),
            "{self:?}"
        );
        self
    }

    /// Panics unless the process failed with exactly one line on stderr
    /// containing `needle`, and without a panic or backtrace.
    pub fn assert_one_line_error(self, needle: &str) -> Self {
        assert!(!self.status.success(), "expected failure, got {self:#?}");
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "expected one line on stderr, got {self:#?}");
        assert!(
            lines[0].contains(needle),
            "stderr lacks {needle:?}: {self:#?}"
        );
        assert!(!self.stderr.contains("panicked"), "panic: {self:#?}");
        self
    }
}

impl Proc {
    /// Starts `program` with `args`, stdin piped (nothing typed yet).
    pub fn spawn<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> Proc {
        let mut command = Command::new(program.as_ref());
        command.args(args);
        Proc::from_command(command)
    }

    /// Starts a prepared command (set env vars or the working directory on it first).
    pub fn from_command(mut command: Command) -> Proc {
        let name = format!("{command:?}");
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdin = child.stdin.take();
        let stdout = Captured::start(child.stdout.take().expect("stdout is piped"));
        let stderr = Captured::start(child.stderr.take().expect("stderr is piped"));
        Proc {
            name,
            child,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Starts a lesson's Python script with `python3 -u` (unbuffered, so
    /// its output arrives as it is printed). `None` when python3 is missing
    /// and that is allowed; see [`python3`].
    pub fn python<S: AsRef<OsStr>>(script: impl AsRef<Path>, args: &[S]) -> Option<Proc> {
        let python = python3()?;
        let mut command = Command::new(python);
        command.arg("-u").arg(script.as_ref()).args(args);
        // Python prints in the terminal's encoding; make it UTF-8 everywhere.
        command.env("PYTHONIOENCODING", "utf-8");
        Some(Proc::from_command(command))
    }

    /// Types `text` on the process's stdin.
    pub fn type_text(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin already closed");
        // A process that already exited closes the pipe; the test's later
        // assertions say more than a broken-pipe panic here would.
        let _ = stdin.write_all(text.as_bytes());
        let _ = stdin.flush();
    }

    /// Closes stdin: the person at the keyboard is done (Ctrl-D).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Everything printed on stdout so far.
    pub fn stdout_so_far(&self) -> String {
        self.stdout.text()
    }

    /// Waits until stdout contains `needle`; returns stdout so far.
    pub fn wait_for_stdout(&mut self, needle: &str) -> String {
        self.wait_for_stdout_count(needle, 1)
    }

    /// Waits until stdout contains `needle` at least `count` times.
    pub fn wait_for_stdout_count(&mut self, needle: &str, count: usize) -> String {
        self.wait_for_stdout_within(needle, count, TIMEOUT)
    }

    /// As [`Proc::wait_for_stdout_count`], with a deadline of `within`.
    pub fn wait_for_stdout_within(
        &mut self,
        needle: &str,
        count: usize,
        within: Duration,
    ) -> String {
        let deadline = Instant::now() + within;
        match self
            .stdout
            .wait_for(deadline, |text, _| text.matches(needle).count() >= count)
        {
            Ok(text) => text,
            Err(text) => self.fail(&format!(
                "timed out waiting for {count} x {needle:?} on stdout; stdout so far:\n{text}"
            )),
        }
    }

    /// Waits until stderr contains `needle`; returns stderr so far.
    pub fn wait_for_stderr(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        match self
            .stderr
            .wait_for(deadline, |text, _| text.contains(needle))
        {
            Ok(text) => text,
            Err(text) => self.fail(&format!(
                "timed out waiting for {needle:?} on stderr; stderr so far:\n{text}"
            )),
        }
    }

    /// Reads the server's first stdout line, `listening on HOST:PORT`, and
    /// returns the address it names.
    pub fn listening_addr(&mut self) -> SocketAddr {
        let deadline = Instant::now() + TIMEOUT;
        let first = match self
            .stdout
            .wait_for(deadline, |text, ended| text.contains('\n') || ended)
        {
            Ok(text) => text.lines().next().unwrap_or("").to_string(),
            Err(text) => self.fail(&format!(
                "no listening line within {TIMEOUT:?}; stdout: {text}"
            )),
        };
        match parse_listening_line(&first) {
            Some(addr) => addr,
            None => self.fail(&format!(
                "first stdout line is not `listening on HOST:PORT`: {first:?}"
            )),
        }
    }

    /// Closes stdin and waits (bounded) for the process to exit by itself.
    pub fn finish(mut self) -> Finished {
        self.close_stdin();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return self.collect(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                _ => self.fail(&format!("did not exit within {TIMEOUT:?}")),
            }
        }
    }

    /// Kills the process (a server that runs forever) and returns its output.
    pub fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait after kill");
        self.collect(status)
    }

    /// The process id (to read `/proc/<pid>/status`, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// True while the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn collect(&mut self, status: ExitStatus) -> Finished {
        // The reader threads see end-of-file right after the exit; wait for
        // them (bounded) so no late output is lost.
        let deadline = Instant::now() + Duration::from_secs(2);
        let stdout = self
            .stdout
            .wait_for(deadline, |_, ended| ended)
            .unwrap_or_else(|t| t);
        let stderr = self
            .stderr
            .wait_for(deadline, |_, ended| ended)
            .unwrap_or_else(|t| t);
        Finished {
            status,
            stdout,
            stderr,
        }
    }

    fn fail(&mut self, why: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!(
            "{}: {why}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.name,
            self.stdout.text(),
            self.stderr.text()
        );
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `program`, types `stdin`, closes it, and waits (bounded) for exit.
pub fn run<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S], stdin: &str) -> Finished {
    let mut proc = Proc::spawn(program, args);
    proc.type_text(stdin);
    proc.finish()
}

/// Parses `listening on HOST:PORT` (the first line every server prints).
pub fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    let rest = line.trim().strip_prefix("listening on ")?;
    let addr = rest.split_whitespace().next()?;
    addr.to_socket_addrs().ok()?.next()
}

/// The python3 interpreter, if there is one.
///
/// With `CI=true` a missing python3 fails the test: CI must prove interop.
/// Elsewhere the test prints that it skipped and passes, so a learner
/// without Python can still run `just test`.
pub fn python3() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("python3"))
            .find(|candidate| candidate.is_file())
    });
    match found {
        Some(path) => Some(path),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("python3 is required when CI=true (interop tests run the Python counterparts)")
        }
        None => {
            eprintln!("skipped: python3 not found, interop test not run");
            None
        }
    }
}

/// A TCP connection to `addr` with read and write timeouts, so a test that
/// waits for an answer that never comes fails instead of hanging.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("set read timeout");
    stream
        .set_write_timeout(Some(TIMEOUT))
        .expect("set write timeout");
    stream
}

/// A UDP socket on 127.0.0.1 with a read timeout.
pub fn udp_socket() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket on loopback");
    socket
        .set_read_timeout(Some(TIMEOUT))
        .expect("set read timeout");
    socket
}

/// Reads until `expected` bytes have arrived (or the peer closes, or the
/// read times out, which fails the test).
pub fn read_exact_text(stream: &mut TcpStream, expected: usize) -> String {
    let mut buf = vec![0u8; expected];
    stream
        .read_exact(&mut buf)
        .unwrap_or_else(|e| panic!("expected {expected} bytes: {e}"));
    String::from_utf8_lossy(&buf).into_owned()
}

/// Reads everything until the peer closes the connection (bounded by the
/// stream's read timeout).
pub fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    stream
        .read_to_end(&mut all)
        .unwrap_or_else(|e| panic!("reading until close: {e}"));
    all
}

/// Reserves a free port and gives it back, for programs that (like the
/// tutorials' Python) cannot report the port the system picked. Another
/// process could in theory take it in between; tests that can bind port 0
/// should.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    listener.local_addr().expect("local addr").port()
}

/// A free UDP port, as [`free_port`] for TCP.
pub fn free_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind port 0");
    socket.local_addr().expect("local addr").port()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_listening_lines() {
        assert_eq!(
            parse_listening_line("listening on 127.0.0.1:9999"),
            Some("127.0.0.1:9999".parse().unwrap())
        );
        assert_eq!(
            parse_listening_line("listening on [::1]:80 (IPv6)"),
            Some("[::1]:80".parse().unwrap())
        );
        assert_eq!(parse_listening_line("hello"), None);
    }

    #[test]
    fn a_process_that_never_answers_fails_the_wait_instead_of_hanging() {
        // `sleep` prints nothing; waiting for output must give up.
        let result = std::panic::catch_unwind(|| {
            let mut proc = Proc::spawn("sleep", &["30"]);
            let _ = proc.wait_for_stdout_within("never", 1, Duration::from_millis(200));
        });
        assert!(result.is_err());
    }
}
