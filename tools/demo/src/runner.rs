//! Runs a scenario: starts processes, types into them, waits for what they
//! print, and shows every line as it arrives, tagged with who printed it.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};

use crate::scenarios::Step;

/// The longest the demo waits for any one thing before giving up.
const PATIENCE: Duration = Duration::from_secs(10);

/// Output (or its end) from one process's stdout or stderr. Output comes in
/// chunks, not lines: a prompt has no newline until someone types.
enum Event {
    Chunk { key: Key, bytes: Vec<u8> },
    Closed { key: Key },
}

/// Which stream: (process name, is stderr).
type Key = (String, bool);

/// Everything one stream printed, and how much of it is already shown.
#[derive(Default)]
struct Output {
    bytes: Vec<u8>,
    shown: usize,
}

impl Output {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Complete lines not shown yet (all of the rest when `all`).
    fn take_unshown(&mut self, all: bool) -> Vec<String> {
        let rest = &self.bytes[self.shown..];
        let end = if all {
            rest.len()
        } else {
            rest.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        };
        let lines = String::from_utf8_lossy(&rest[..end])
            .lines()
            .map(str::to_string)
            .collect();
        self.shown += end;
        lines
    }
}

struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
}

/// A point of the run the transcript follows: output is placed where the
/// scenario waited for it, the one order every run shares.
enum Mark {
    /// A program started (the command a learner would type).
    Started(String),
    /// A note of the demo's.
    Note(String),
    /// The scenario waited for a line: every stdout line of the program up
    /// to this many goes here.
    Upto(String, usize),
    /// The program ended: the rest of its output, stdout then stderr.
    Ended(String),
}

/// The run's state: processes, what each printed, ports servers chose.
pub struct Runner {
    bin_dir: PathBuf,
    live: bool,
    /// Width of the name column: the longest program name.
    width: usize,
    marks: Vec<Mark>,
    /// The command a learner would type for each program.
    shown_as: HashMap<String, String>,
    procs: HashMap<String, Proc>,
    order: Vec<String>,
    output: HashMap<Key, Output>,
    open_streams: HashMap<String, usize>,
    ports: HashMap<String, u16>,
    events_tx: Sender<Event>,
    events: Receiver<Event>,
}

impl Runner {
    pub fn new(bin_dir: PathBuf, live: bool, steps: &[Step]) -> Runner {
        let (events_tx, events) = mpsc::channel();
        let width = steps
            .iter()
            .filter_map(|step| match step {
                Step::Start { who, .. } => Some(who.chars().count()),
                _ => None,
            })
            .chain([DEMO.len()])
            .max()
            .unwrap_or(DEMO.len());
        Runner {
            bin_dir,
            live,
            width,
            marks: Vec::new(),
            shown_as: HashMap::new(),
            procs: HashMap::new(),
            order: Vec::new(),
            output: HashMap::new(),
            open_streams: HashMap::new(),
            ports: HashMap::new(),
            events_tx,
            events,
        }
    }

    /// Runs every step; whatever happens, stops everything it started.
    pub fn run(&mut self, steps: &[Step]) -> anyhow::Result<()> {
        let result = steps.iter().try_for_each(|step| self.step(step));
        for proc in self.procs.values_mut() {
            let _ = proc.child.kill();
            let _ = proc.child.wait();
        }
        // Whatever is still unread (the pipes close once the programs are
        // gone), so nothing printed is lost; bounded all the same.
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.open_streams.values().any(|&open| open > 0) && Instant::now() < deadline {
            if self.pump(Duration::from_millis(50)).is_err() {
                break;
            }
        }
        let who: Vec<String> = self.order.clone();
        self.marks.extend(who.into_iter().map(Mark::Ended));
        self.show(DEMO, VARIES);
        self.marks.push(Mark::Note(VARIES.to_string()));
        result
    }

    /// Prints one tagged line, live: `  server │ text`.
    fn show(&self, who: &str, text: &str) {
        if self.live {
            println!("{} │ {text}", pad(who, self.width));
        }
    }

    fn step(&mut self, step: &Step) -> anyhow::Result<()> {
        match step {
            Step::Start {
                who,
                bin,
                args,
                shown,
            } => self.start(who, bin, args, shown),
            Step::Type { who, text } => {
                let proc = self.proc(who)?;
                let stdin = proc.stdin.as_mut().context("stdin already closed")?;
                stdin.write_all(text.as_bytes())?;
                stdin.flush()?;
                Ok(())
            }
            Step::WaitFor { who, text, count } => self.wait_for(who, text, *count),
            Step::Note(text) => {
                self.show(DEMO, &format!("({text})"));
                self.marks.push(Mark::Note(format!("({text})")));
                Ok(())
            }
            Step::Pause(ms) => {
                let until = Instant::now() + Duration::from_millis(*ms);
                while let Some(left) = until.checked_duration_since(Instant::now()) {
                    self.pump(left)?;
                }
                Ok(())
            }
            Step::CloseStdin { who } => {
                self.proc(who)?.stdin = None;
                Ok(())
            }
            Step::Exit { who } => {
                self.wait_exit(who)?;
                self.marks.push(Mark::Ended(who.to_string()));
                Ok(())
            }
            Step::Stop { who } => {
                let proc = self.proc(who)?;
                let _ = proc.child.kill();
                let _ = proc.child.wait();
                self.marks.push(Mark::Ended(who.to_string()));
                Ok(())
            }
            Step::Interrupt { who } => {
                interrupt(&mut self.proc(who)?.child)?;
                self.wait_exit(who)
            }
        }
    }

    fn proc(&mut self, who: &str) -> anyhow::Result<&mut Proc> {
        self.procs
            .get_mut(who)
            .ok_or_else(|| anyhow!("no process named {who}"))
    }

    /// Replaces `{port:NAME}` in an argument with the port server NAME chose.
    fn expand(&self, arg: &str) -> String {
        let mut out = arg.to_string();
        for (who, port) in &self.ports {
            out = out.replace(&format!("{{port:{who}}}"), &port.to_string());
        }
        out
    }

    fn start(&mut self, who: &str, bin: &str, args: &[String], shown: &str) -> anyhow::Result<()> {
        let path = self.bin_dir.join(bin);
        if !path.is_file() {
            bail!(
                "{} is not built: run `cargo build --bins` first (`just demo` does)",
                path.display()
            );
        }
        let args: Vec<String> = args.iter().map(|a| self.expand(a)).collect();
        self.show(who, &format!("$ {shown}"));
        self.marks.push(Mark::Started(who.to_string()));
        self.shown_as.insert(who.to_string(), shown.to_string());
        let mut child = Command::new(&path)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", path.display()))?;
        let stdin = child.stdin.take();
        forward(
            (who.to_string(), false),
            child.stdout.take(),
            &self.events_tx,
        );
        forward(
            (who.to_string(), true),
            child.stderr.take(),
            &self.events_tx,
        );
        self.open_streams.insert(who.to_string(), 2);
        self.procs.insert(who.to_string(), Proc { child, stdin });
        self.order.push(who.to_string());
        // A server's (or the relay's) first line names its port; remember it
        // for the clients.
        if bin.ends_with("-server") || bin == "udp-relay" {
            self.wait_for(who, "listening on ", 1)?;
            let first = self.stdout_of(who).lines().next().unwrap_or("").to_string();
            let port = first
                .rsplit(':')
                .next()
                .and_then(|p| p.trim().parse().ok())
                .with_context(|| format!("{who} printed no port: {first:?}"))?;
            self.ports.insert(who.to_string(), port);
        }
        Ok(())
    }

    fn stdout_of(&self, who: &str) -> String {
        self.output
            .get(&(who.to_string(), false))
            .map(Output::text)
            .unwrap_or_default()
    }

    fn wait_for(&mut self, who: &str, text: &str, count: usize) -> anyhow::Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while self.stdout_of(who).matches(text).count() < count {
            let left = deadline
                .checked_duration_since(Instant::now())
                .ok_or_else(|| anyhow!("{who} did not print {text:?} within {PATIENCE:?}"))?;
            self.pump(left)?;
        }
        // The line holding the count-th match, and every line before it.
        let out = self.stdout_of(who);
        let at = out
            .match_indices(text)
            .nth(count - 1)
            .map_or(out.len(), |(i, _)| i);
        let lines = out[..at].matches('\n').count() + 1;
        self.marks.push(Mark::Upto(who.to_string(), lines));
        Ok(())
    }

    fn wait_exit(&mut self, who: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + PATIENCE;
        // Drain its output first so nothing it printed is lost.
        while self.open_streams.get(who).copied().unwrap_or(0) > 0 {
            let left = deadline
                .checked_duration_since(Instant::now())
                .ok_or_else(|| anyhow!("{who} did not finish within {PATIENCE:?}"))?;
            self.pump(left)?;
        }
        let status = self.proc(who)?.child.wait()?;
        if !status.success() && self.live {
            println!("{who:>10} │ (exited with {status})");
        }
        Ok(())
    }

    /// Handles output events for up to `wait`, showing complete lines live.
    fn pump(&mut self, wait: Duration) -> anyhow::Result<()> {
        let (key, ended) = match self.events.recv_timeout(wait) {
            Ok(Event::Chunk { key, bytes }) => {
                self.output
                    .entry(key.clone())
                    .or_default()
                    .bytes
                    .extend(bytes);
                (key, false)
            }
            Ok(Event::Closed { key }) => {
                if let Some(open) = self.open_streams.get_mut(&key.0) {
                    *open = open.saturating_sub(1);
                }
                (key, true)
            }
            Err(RecvTimeoutError::Timeout) => return Ok(()),
            Err(RecvTimeoutError::Disconnected) => bail!("output channel closed"),
        };
        let lines = self
            .output
            .entry(key.clone())
            .or_default()
            .take_unshown(ended);
        let (who, err) = key;
        for line in lines {
            self.show(&who, &tagged(err, &line));
        }
        Ok(())
    }

    /// The deterministic transcript, in the live form: every line tagged
    /// with who printed it, placed where the scenario waited for it (see
    /// [`Mark`]), with ports the system chose replaced (see [`Normaliser`]).
    pub fn transcript(&self, default_ports: &HashMap<String, u16>) -> String {
        let mut norm = Normaliser::default();
        for (who, port) in &self.ports {
            if let Some(default) = default_ports.get(who) {
                norm.fixed.insert(*port, *default);
            }
        }
        let lines_of = |who: &str, err: bool| -> Vec<String> {
            let text = self.output.get(&(who.to_string(), err)).map(Output::text);
            text.unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect()
        };
        let mut shown: HashMap<&str, usize> = HashMap::new();
        let mut ended: Vec<&str> = Vec::new();
        let mut out = String::new();
        let mut line = |who: &str, text: &str, norm: &mut Normaliser| {
            out.push_str(&format!(
                "{} │ {}\n",
                pad(who, self.width),
                norm.apply(text)
            ));
        };
        for mark in &self.marks {
            match mark {
                Mark::Started(who) => {
                    let shown_as = self.shown_as.get(who).map_or("", String::as_str);
                    line(who, &format!("$ {shown_as}"), &mut norm);
                }
                Mark::Note(text) => line(DEMO, text, &mut norm),
                Mark::Upto(who, upto) => {
                    let stdout = lines_of(who, false);
                    let from = shown.get(who.as_str()).copied().unwrap_or(0);
                    for text in stdout.iter().take(*upto).skip(from) {
                        line(who, text, &mut norm);
                    }
                    shown.insert(who, from.max((*upto).min(stdout.len())));
                }
                Mark::Ended(who) => {
                    if ended.contains(&who.as_str()) {
                        continue;
                    }
                    ended.push(who);
                    let from = shown.get(who.as_str()).copied().unwrap_or(0);
                    for text in lines_of(who, false).iter().skip(from) {
                        line(who, text, &mut norm);
                    }
                    for text in lines_of(who, true) {
                        line(who, &tagged(true, &text), &mut norm);
                    }
                }
            }
        }
        out
    }
}

/// The name column: `who`, right-aligned to `width`.
fn pad(who: &str, width: usize) -> String {
    format!(
        "{}{who}",
        " ".repeat(width.saturating_sub(who.chars().count()))
    )
}

/// A line as shown: stderr lines (warnings, errors) are marked.
fn tagged(err: bool, line: &str) -> String {
    if err {
        format!("(stderr) {line}")
    } else {
        line.to_string()
    }
}

/// The demo's own name in the name column.
const DEMO: &str = "demo";

/// What differs between runs, said at the end of every run.
const VARIES: &str =
    "(from run to run the ports differ, and so may the order of lines the demo did not wait for)";

/// Ctrl-C: SIGINT on Unix (through `kill`, as std has no signals). Windows
/// has no signal to send another console program; it is stopped instead.
fn interrupt(child: &mut Child) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .context("cannot run kill to send Ctrl-C (SIGINT)")?;
        anyhow::ensure!(status.success(), "kill -INT failed: {status}");
    }
    #[cfg(not(unix))]
    let _ = child.kill();
    Ok(())
}

/// Sends each chunk of `stream` to the runner, then a `Closed` event.
fn forward(key: Key, stream: Option<impl Read + Send + 'static>, tx: &Sender<Event>) {
    let tx = tx.clone();
    thread::spawn(move || {
        if let Some(mut stream) = stream {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stream.read(&mut buf) {
                let bytes = buf[..n].to_vec();
                if tx
                    .send(Event::Chunk {
                        key: key.clone(),
                        bytes,
                    })
                    .is_err()
                {
                    return;
                }
            }
        }
        let _ = tx.send(Event::Closed { key });
    });
}

/// Makes a transcript the same on every run: a server's port becomes the
/// lesson's usual port, and each ephemeral client port becomes 50001,
/// 50002, ... in order of first appearance.
#[derive(Default)]
struct Normaliser {
    fixed: HashMap<u16, u16>,
    clients: HashMap<u16, u16>,
}

impl Normaliser {
    fn apply(&mut self, line: &str) -> String {
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(at) = rest.find("127.0.0.1") {
            let (before, after) = rest.split_at(at + "127.0.0.1".len());
            out.push_str(before);
            // `127.0.0.1:PORT` (Rust) or `('127.0.0.1', PORT)` (Python).
            let sep = if after.starts_with(':') {
                1
            } else if after.starts_with("', ") {
                3
            } else {
                0
            };
            let digits: String = after[sep..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            match (sep, digits.parse::<u16>()) {
                (1 | 3, Ok(port)) => {
                    let mapped = self.map(port);
                    out.push_str(&after[..sep]);
                    out.push_str(&mapped.to_string());
                    rest = &after[sep + digits.len()..];
                }
                _ => rest = after,
            }
        }
        out.push_str(rest);
        without_elapsed_time(self.fixed_after(&out, "--port "))
    }

    /// `--port PORT` in advice: a server's real port becomes its usual one.
    fn fixed_after(&self, line: &str, prefix: &str) -> String {
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            let (before, after) = rest.split_at(at + prefix.len());
            out.push_str(before);
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            match digits.parse::<u16>().ok().and_then(|p| self.fixed.get(&p)) {
                Some(fixed) => out.push_str(&fixed.to_string()),
                None => out.push_str(&digits),
            }
            rest = &after[digits.len()..];
        }
        out.push_str(rest);
        out
    }

    fn map(&mut self, port: u16) -> u16 {
        if let Some(fixed) = self.fixed.get(&port) {
            return *fixed;
        }
        // Only ports the system hands out (the ephemeral range starts at
        // 32768 on Linux, 49152 elsewhere) vary between runs; a port a
        // scenario names itself, such as an offline contact's, stays.
        if port < 32768 {
            return port;
        }
        let next = 50001 + self.clients.len() as u16;
        *self.clients.entry(port).or_insert(next)
    }
}

/// A client's summary (`done: 1 client, 2 replies in 0.8 ms`) says how
/// long the run took, which differs every time: the number becomes `…`.
fn without_elapsed_time(line: String) -> String {
    if !line.starts_with("done: ") {
        return line;
    }
    let Some(body) = line.strip_suffix(" ms") else {
        return line;
    };
    match body.rsplit_once(" in ") {
        Some((before, number)) if number.parse::<f64>().is_ok() => format!("{before} in … ms"),
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transcript_places_lines_where_the_scenario_waited_for_them() {
        let mut runner = Runner::new(PathBuf::new(), false, &[]);
        let mut printed = |who: &str, err: bool, text: &str| {
            runner
                .output
                .entry((who.to_string(), err))
                .or_default()
                .bytes
                .extend(text.as_bytes());
        };
        printed(
            "server",
            false,
            "listening on 127.0.0.1:41234\nclient address: 127.0.0.1:33333\nreceived: hi\n",
        );
        printed("client", false, "connected\nmessage> hi\nreply: ok\n");
        printed("client", true, "warning: late\n");
        runner.width = 6;
        runner.ports.insert("server".into(), 41234);
        for who in ["server", "client"] {
            runner
                .shown_as
                .insert(who.into(), format!("just run tcp-echo-{who}"));
        }
        runner.marks = vec![
            Mark::Started("server".into()),
            Mark::Upto("server".into(), 1),
            Mark::Note("(waits)".into()),
            Mark::Started("client".into()),
            Mark::Upto("client".into(), 2),
            Mark::Upto("server".into(), 3),
            Mark::Ended("client".into()),
            Mark::Ended("server".into()),
            Mark::Ended("client".into()),
        ];
        let defaults = HashMap::from([("server".to_string(), 9999)]);
        assert_eq!(
            runner.transcript(&defaults),
            "server │ $ just run tcp-echo-server\n\
             server │ listening on 127.0.0.1:9999\n\
             \x20 demo │ (waits)\n\
             client │ $ just run tcp-echo-client\n\
             client │ connected\n\
             client │ message> hi\n\
             server │ client address: 127.0.0.1:50001\n\
             server │ received: hi\n\
             client │ reply: ok\n\
             client │ (stderr) warning: late\n"
        );
    }

    #[test]
    fn ports_are_normalised() {
        let mut n = Normaliser::default();
        n.fixed.insert(41234, 9999);
        assert_eq!(
            n.apply("listening on 127.0.0.1:41234"),
            "listening on 127.0.0.1:9999"
        );
        assert_eq!(
            n.apply("client 127.0.0.1:33333 and 127.0.0.1:44444"),
            "client 127.0.0.1:50001 and 127.0.0.1:50002"
        );
        assert_eq!(n.apply("again 127.0.0.1:33333"), "again 127.0.0.1:50001");
        assert_eq!(
            n.apply("py ('127.0.0.1', 44444)"),
            "py ('127.0.0.1', 50002)"
        );
        assert_eq!(n.apply("no port 127.0.0.1."), "no port 127.0.0.1.");
        assert_eq!(n.apply("named 127.0.0.1:8083"), "named 127.0.0.1:8083");
        assert_eq!(n.apply("run it --port 41234"), "run it --port 9999");
        assert_eq!(n.apply("run it --port 8083"), "run it --port 8083");
        assert_eq!(
            n.apply("done: 2 clients, 4 replies in 12.5 ms"),
            "done: 2 clients, 4 replies in … ms"
        );
    }
}
