//! How a topic prints: numbered steps, result lines, what differs elsewhere,
//! and placeholders for what varies from run to run.
//!
//! A topic prints only through a [`Lab`]. In `--transcript` mode the values
//! that change on every run (ephemeral ports, temporary paths, how long a
//! call took) come out as stable placeholders, so the book's stored
//! transcripts can be compared with a fresh run.

use std::collections::HashMap;
use std::fmt::Display;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

/// Where a topic's lines go, and how they are numbered and normalised.
pub struct Lab {
    out: Sink,
    transcript: bool,
    step: usize,
    /// Ports in the order first printed, for `<port1>`, `<port2>`, ...
    ports: HashMap<u16, usize>,
    /// Temporary directories shown as `<tmp>` in transcripts.
    tmp: Vec<String>,
}

enum Sink {
    Stdout,
    Buffer(Vec<u8>),
}

impl Lab {
    /// Prints to stdout; `transcript` turns on the placeholders.
    pub fn stdout(transcript: bool) -> Lab {
        Lab::with(Sink::Stdout, transcript)
    }

    /// Collects the lines in memory (read them with [`Lab::output`]).
    pub fn capture(transcript: bool) -> Lab {
        Lab::with(Sink::Buffer(Vec::new()), transcript)
    }

    fn with(out: Sink, transcript: bool) -> Lab {
        Lab {
            out,
            transcript,
            step: 0,
            ports: HashMap::new(),
            tmp: Vec::new(),
        }
    }

    /// What a capturing lab has printed so far.
    pub fn output(&self) -> String {
        match &self.out {
            Sink::Stdout => String::new(),
            Sink::Buffer(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// True with `--transcript`.
    pub fn is_transcript(&self) -> bool {
        self.transcript
    }

    fn line(&mut self, text: &str) {
        let text = self.hide_tmp(text);
        // A closed stdout (`socket-lab inet | head -1`) is not the lab's
        // problem: the socket calls still ran.
        let _ = match &mut self.out {
            Sink::Stdout => writeln!(io::stdout(), "{text}"),
            Sink::Buffer(bytes) => writeln!(bytes, "{text}"),
        };
    }

    /// A numbered step: `3. connect to 127.0.0.1:<port1>`.
    pub fn step(&mut self, text: impl Display) {
        self.step += 1;
        let line = format!("{}. {text}", self.step);
        self.line(&line);
    }

    /// A result or explanation under the current step, indented.
    pub fn say(&mut self, text: impl Display) {
        self.line(&format!("   {text}"));
    }

    /// What differs on other systems: `elsewhere: ...`.
    pub fn elsewhere(&mut self, text: impl Display) {
        self.line(&format!("elsewhere: {text}"));
    }

    /// The one line a topic prints when this machine cannot show something
    /// (no privilege, no interface); the topic then ends with `Ok(())`.
    pub fn not_here(&mut self, text: impl Display) {
        self.line(&format!("not here: {text}"));
    }

    /// A fact about this machine that decides which branch a topic takes
    /// (a privilege, a sysctl): `this machine: ...`. A stored transcript
    /// only applies to a machine whose `this machine:` lines are the same;
    /// book-check says so instead of failing elsewhere.
    pub fn machine(&mut self, text: impl Display) {
        self.line(&format!("this machine: {text}"));
    }

    /// A port: the number itself, or `<portN>` in transcripts (the same port
    /// always gets the same N, in the order ports are first shown).
    pub fn port(&mut self, port: u16) -> String {
        if !self.transcript {
            return port.to_string();
        }
        let next = self.ports.len() + 1;
        let n = *self.ports.entry(port).or_insert(next);
        format!("<port{n}>")
    }

    /// An address with its port shown by [`Lab::port`]: `127.0.0.1:<port1>`,
    /// `[::1]:<port2>`.
    pub fn addr(&mut self, addr: SocketAddr) -> String {
        let port = self.port(addr.port());
        match addr {
            SocketAddr::V4(a) => format!("{}:{port}", a.ip()),
            SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
        }
    }

    /// Registers a temporary directory: every later line shows it as `<tmp>`
    /// in transcripts.
    pub fn tmp_dir(&mut self, dir: &Path) {
        self.tmp.push(dir.display().to_string());
    }

    /// A path, as it will be printed (`<tmp>/...` in transcripts when under a
    /// registered temporary directory).
    pub fn path(&self, path: &Path) -> String {
        self.hide_tmp(&path.display().to_string())
    }

    fn hide_tmp(&self, text: &str) -> String {
        if !self.transcript {
            return text.to_string();
        }
        self.tmp
            .iter()
            .fold(text.to_string(), |t, dir| t.replace(dir.as_str(), "<tmp>"))
    }

    /// How long a call took that should be quick or take about a second:
    /// `at once` (under 0.1 s) or `after ~N s`; the measured value outside
    /// transcripts.
    pub fn took(&self, d: Duration) -> String {
        let secs = d.as_secs_f64();
        if !self.transcript {
            return format!("after {secs:.3} s");
        }
        if secs < 0.1 {
            "at once".into()
        } else if secs < 0.75 {
            "after less than a second".into()
        } else {
            format!("after ~{:.0} s", secs.round())
        }
    }

    /// How long a call took that had a timeout `limit`: in transcripts,
    /// `at once` (under half the limit), `after the 0.3 s timeout` (up to
    /// three times the limit) or `after more than 3x the 0.3 s timeout`.
    pub fn waited(&self, d: Duration, limit: Duration) -> String {
        let secs = d.as_secs_f64();
        let limit_s = limit.as_secs_f64();
        if !self.transcript {
            return format!("after {secs:.3} s (timeout {limit_s} s)");
        }
        if secs < limit_s / 2.0 {
            "at once".into()
        } else if secs <= limit_s * 3.0 {
            format!("after the {limit_s} s timeout")
        } else {
            format!("after more than 3x the {limit_s} s timeout")
        }
    }
}

/// `errno 111 (ECONNREFUSED)`-style text for an OS error: the number this
/// system gave, and its Linux/macOS name when known.
pub fn errno(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => match errno_name(code) {
            Some(name) => format!("errno {code} ({name})"),
            None => format!("errno {code}"),
        },
        None => "no OS error number".into(),
    }
}

/// The symbolic name of the error numbers the lab shows, for this system.
pub fn errno_name(code: i32) -> Option<&'static str> {
    #[cfg(target_os = "linux")]
    let table: &[(i32, &str)] = &[
        (1, "EPERM"),
        (2, "ENOENT"),
        (11, "EAGAIN"),
        (13, "EACCES"),
        (22, "EINVAL"),
        (32, "EPIPE"),
        (90, "EMSGSIZE"),
        (93, "EPROTONOSUPPORT"),
        (94, "ESOCKTNOSUPPORT"),
        (95, "EOPNOTSUPP"),
        (97, "EAFNOSUPPORT"),
        (98, "EADDRINUSE"),
        (99, "EADDRNOTAVAIL"),
        (101, "ENETUNREACH"),
        (104, "ECONNRESET"),
        (107, "ENOTCONN"),
        (110, "ETIMEDOUT"),
        (111, "ECONNREFUSED"),
        (115, "EINPROGRESS"),
    ];
    #[cfg(target_os = "macos")]
    let table: &[(i32, &str)] = &[
        (1, "EPERM"),
        (2, "ENOENT"),
        (13, "EACCES"),
        (22, "EINVAL"),
        (32, "EPIPE"),
        (35, "EAGAIN"),
        (36, "EINPROGRESS"),
        (40, "EMSGSIZE"),
        (43, "EPROTONOSUPPORT"),
        (44, "ESOCKTNOSUPPORT"),
        (45, "EOPNOTSUPP"),
        (47, "EAFNOSUPPORT"),
        (48, "EADDRINUSE"),
        (49, "EADDRNOTAVAIL"),
        (51, "ENETUNREACH"),
        (54, "ECONNRESET"),
        (57, "ENOTCONN"),
        (60, "ETIMEDOUT"),
        (61, "ECONNREFUSED"),
    ];
    #[cfg(windows)]
    let table: &[(i32, &str)] = &[
        (10013, "WSAEACCES"),
        (10035, "WSAEWOULDBLOCK"),
        (10040, "WSAEMSGSIZE"),
        (10048, "WSAEADDRINUSE"),
        (10049, "WSAEADDRNOTAVAIL"),
        (10054, "WSAECONNRESET"),
        (10057, "WSAENOTCONN"),
        (10060, "WSAETIMEDOUT"),
        (10061, "WSAECONNREFUSED"),
    ];
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    let table: &[(i32, &str)] = &[];
    table
        .iter()
        .find(|(number, _)| *number == code)
        .map(|(_, name)| *name)
}
