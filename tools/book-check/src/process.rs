//! Running a program with a time limit, collecting what it prints.
//!
//! Every program the checks start (mdbook, demo, chromium) gets a deadline:
//! a stuck program fails the check instead of hanging `just test`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// What a finished program printed, and whether it succeeded.
pub struct Finished {
    /// Exit status was 0.
    pub success: bool,
    /// The exit status as text, for messages.
    pub status: String,
    /// Everything printed on stdout (lossy UTF-8).
    pub stdout: String,
    /// Everything printed on stderr (lossy UTF-8).
    pub stderr: String,
}

/// Runs `cmd` (stdin closed) and waits at most `limit`; on timeout the
/// program is killed and this is an error naming `what`.
pub fn run(mut cmd: Command, what: &str, limit: Duration) -> anyhow::Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {what}"))?;
    // Drain both pipes on their own threads: a program blocked on a full
    // pipe would otherwise never exit.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);

    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{what} did not finish within {} s; killed", limit.as_secs());
        }
        thread::sleep(Duration::from_millis(20));
    };
    // A grandchild that outlives the program could keep a pipe open: wait
    // for the rest of the output only until the deadline (plus a moment).
    let collect = |rx: Option<Receiver<Vec<u8>>>| {
        let patience = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(1);
        let bytes = rx
            .and_then(|rx| rx.recv_timeout(patience).ok())
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Ok(Finished {
        success: status.success(),
        status: status.to_string(),
        stdout: collect(stdout),
        stderr: collect(stderr),
    })
}

fn drain(mut pipe: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// Finds `name` on PATH.
pub fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
