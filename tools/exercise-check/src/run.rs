//! Running cargo with a time limit that really stops everything.
//!
//! `cargo test` starts test binaries, and a test may start servers or other
//! processes of its own. Killing cargo alone would leave a test binary stuck
//! in `accept()` behind, holding our output pipes open. So every command runs
//! in its own process group and, when the limit passes, the whole group gets
//! SIGKILL.
//!
//! The kill is done by a tiny `sh` "reaper" that waits on a pipe from us: we
//! write to it when the limit passes, and if we die first (Ctrl-C in
//! `just watch`), the pipe closes and the reaper kills the group anyway. It
//! also runs once the command ends, to clear up strays a test leaked.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// How a command run under a time limit ended.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status; `None` when the time limit stopped it.
    pub status: Option<ExitStatus>,
    /// Everything it printed on stdout (lossily decoded).
    pub stdout: String,
    /// Everything it printed on stderr (lossily decoded).
    pub stderr: String,
    /// How long it ran.
    pub elapsed: Duration,
}

impl Finished {
    /// It ran to the end and exited 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// The time limit stopped it.
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }
}

/// Runs `cmd` (stdin closed, output captured) for at most `limit`.
pub fn run_limited(cmd: &mut Command, limit: Duration) -> Result<Finished> {
    let started = Instant::now();
    let mut child = own_group(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let group = child.id();
    let mut reaper = Reaper::start(group);
    let stdout = capture(child.stdout.take());
    let stderr = capture(child.stderr.take());

    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() >= limit {
            break None;
        }
        thread::sleep(Duration::from_millis(20));
    };
    // Kill the group: everything left after a timeout, strays after an exit.
    reaper.kill_group();
    if status.is_none() {
        let _ = child.kill(); // in case there was no reaper
        let _ = child.wait();
    }
    let elapsed = started.elapsed();
    // The pipes close once every process in the group is gone; do not wait
    // forever for one that escaped it.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !(stdout.done() && stderr.done()) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    Ok(Finished {
        status,
        stdout: stdout.text(),
        stderr: stderr.text(),
        elapsed,
    })
}

/// Makes `cmd` start a process group of its own (Unix). Elsewhere there is
/// no group and no `sh`: the time limit then stops cargo only.
fn own_group(cmd: &mut Command) -> &mut Command {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    cmd
}

/// Output read from a pipe by a thread of its own.
struct Capture {
    bytes: Arc<Mutex<(Vec<u8>, bool)>>, // (everything so far, pipe closed)
}

fn capture(from: Option<impl Read + Send + 'static>) -> Capture {
    let bytes = Arc::new(Mutex::new((Vec::new(), from.is_none())));
    if let Some(mut from) = from {
        let sink = Arc::clone(&bytes);
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = from.read(&mut buf).unwrap_or(0);
                let mut guard = sink.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    guard.1 = true;
                    break;
                }
                guard.0.extend_from_slice(&buf[..n]);
            }
        });
    }
    Capture { bytes }
}

impl Capture {
    fn done(&self) -> bool {
        self.bytes.lock().unwrap_or_else(|e| e.into_inner()).1
    }

    fn text(&self) -> String {
        let guard = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&guard.0).into_owned()
    }
}

/// The `sh` process that kills a process group when told to, or when we die.
struct Reaper {
    child: Option<Child>,
    trigger: Option<ChildStdin>,
}

impl Reaper {
    fn start(group: u32) -> Reaper {
        // Windows has no process groups to kill this way: there the time
        // limit stops cargo alone (`child.kill()` in `run_limited`), and a
        // test binary it started may outlive it.
        if cfg!(not(unix)) {
            return Reaper {
                child: None,
                trigger: None,
            };
        }
        // `read` returns on our newline or on end of file (we died); either
        // way the group is killed. dash's kill wants `-PGID`, not `-- -PGID`.
        let script = format!("read line; kill -KILL -{group} 2>/dev/null; exit 0");
        // Its own group: Ctrl-C at the terminal must not kill the reaper
        // before it has done its job.
        let spawned = own_group(Command::new("sh").args(["-c", &script]))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => Reaper {
                trigger: child.stdin.take(),
                child: Some(child),
            },
            Err(_) => Reaper {
                child: None,
                trigger: None,
            },
        }
    }

    fn kill_group(&mut self) {
        if let Some(mut trigger) = self.trigger.take() {
            let _ = trigger.write_all(b"now\n");
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        self.kill_group();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_output_and_status() {
        let done = run_limited(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.stderr, "err\n");
    }

    #[test]
    fn the_limit_kills_the_command_and_its_children() {
        // The grandchild keeps stdout open: without the group kill the
        // capture would wait for it.
        let started = Instant::now();
        let done = run_limited(
            Command::new("sh").args(["-c", "echo started; sleep 300 & sleep 300"]),
            Duration::from_millis(500),
        )
        .unwrap();
        assert!(done.timed_out());
        assert_eq!(done.stdout, "started\n");
        // Well under the 2 s grace for pipes: nothing kept them open.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}
