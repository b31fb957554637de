//! Starting a server under test as a child process, and watching it.
//!
//! Every server prints `listening on HOST:PORT` first; started with port 0,
//! that line is the only way to learn its address. After it, the server's
//! output is read and thrown away (keeping the last lines for error
//! messages): a full pipe would block a server that prints, and the
//! benchmark would measure the pipe.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{bail, Context};

use crate::listening::parse_listening_line;

/// How long a server may take to print its listening line.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Lines of output kept for error messages.
const TAIL: usize = 20;

type Tail = Arc<Mutex<VecDeque<String>>>;

/// A running server; killed when dropped.
pub struct Server {
    name: String,
    child: Child,
    addr: SocketAddr,
    tail: Tail,
}

impl Server {
    /// Starts `command` and waits (at most [`START_TIMEOUT`]) for its
    /// listening line.
    pub fn start(name: &str, mut command: Command) -> anyhow::Result<Server> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {name} ({command:?})"))?;
        let tail: Tail = Arc::default();
        let (first_line, first) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            drain(stdout, Arc::clone(&tail), Some(first_line));
        }
        if let Some(stderr) = child.stderr.take() {
            drain(stderr, Arc::clone(&tail), None);
        }
        let line = first.recv_timeout(START_TIMEOUT);
        let mut server = Server {
            name: name.to_string(),
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tail,
        };
        match line {
            Ok(line) => match parse_listening_line(&line) {
                Some(addr) => server.addr = addr,
                None => bail!(
                    "{name}: first line is not `listening on HOST:PORT`: {line:?}{}",
                    server.output()
                ),
            },
            Err(_) => bail!(
                "{name} did not print `listening on HOST:PORT` within {START_TIMEOUT:?}{}",
                server.output()
            ),
        }
        Ok(server)
    }

    /// The address from the listening line.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server is (for messages).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Fails if the server has exited (it should run until killed).
    pub fn check_running(&mut self) -> anyhow::Result<()> {
        if let Ok(Some(status)) = self.child.try_wait() {
            bail!("{} exited ({status}){}", self.name, self.output());
        }
        Ok(())
    }

    /// Memory and threads from /proc/PID/status (Linux), now.
    pub fn status(&self) -> Option<ProcStatus> {
        ProcStatus::read(self.pid())
    }

    /// The last lines the server printed, as an indented block.
    fn output(&self) -> String {
        // Give the reader threads a moment to collect what was printed last.
        thread::sleep(Duration::from_millis(100));
        let tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        if tail.is_empty() {
            return "; it printed nothing".to_string();
        }
        let lines: Vec<&str> = tail.iter().map(String::as_str).collect();
        format!("; its last output:\n    {}", lines.join("\n    "))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `from` line by line until it closes: the first line goes to
/// `first` (if given), every line into the tail.
fn drain(from: impl Read + Send + 'static, tail: Tail, mut first: Option<mpsc::Sender<String>>) {
    thread::spawn(move || {
        let mut reader = BufReader::new(from);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            if let Some(first) = first.take() {
                let _ = first.send(text.clone());
            }
            let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            if tail.len() == TAIL {
                tail.pop_front();
            }
            tail.push_back(text);
        }
    });
}

/// A few lines of /proc/PID/status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcStatus {
    /// Peak resident set size ("high water mark"), KiB.
    pub vm_hwm_kib: u64,
    /// Peak virtual memory (address space reserved, touched or not), KiB.
    pub vm_peak_kib: u64,
    /// Resident set size now, KiB.
    pub vm_rss_kib: u64,
    /// Threads now.
    pub threads: u64,
}

impl ProcStatus {
    /// Reads /proc/PID/status; `None` where there is no /proc.
    pub fn read(pid: u32) -> Option<ProcStatus> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        Some(ProcStatus::parse(&text))
    }

    /// Picks VmHWM, VmRSS and Threads out of the text of /proc/PID/status.
    pub fn parse(text: &str) -> ProcStatus {
        let mut status = ProcStatus::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let number = value
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            match key {
                "VmHWM" => status.vm_hwm_kib = number,
                "VmPeak" => status.vm_peak_kib = number,
                "VmRSS" => status.vm_rss_kib = number,
                "Threads" => status.threads = number,
                _ => {}
            }
        }
        status
    }
}

/// CPU time a process has used so far: user and kernel (system), seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CpuTime {
    /// Time running the program's own code.
    pub user_s: f64,
    /// Time in the kernel on its behalf: system calls, the TCP/IP stack,
    /// scheduling.
    pub system_s: f64,
}

impl CpuTime {
    /// Reads /proc/PID/stat (`None` where there is no /proc).
    pub fn of(pid: u32) -> Option<CpuTime> {
        CpuTime::parse(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
    }

    /// This process (the load generator runs in it).
    pub fn of_self() -> Option<CpuTime> {
        CpuTime::parse(&std::fs::read_to_string("/proc/self/stat").ok()?)
    }

    /// utime and stime are fields 14 and 15, counted in USER_HZ ticks, which
    /// Linux fixes at 100 per second for /proc. The program name (field 2)
    /// may contain spaces, so fields are counted after its closing ')'.
    pub fn parse(stat: &str) -> Option<CpuTime> {
        let rest = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks =
            |i: usize| -> Option<f64> { Some(fields.get(i)?.parse::<u64>().ok()? as f64 / 100.0) };
        Some(CpuTime {
            user_s: ticks(11)?,
            system_s: ticks(12)?,
        })
    }

    /// The time used between `earlier` and `self`.
    pub fn since(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user_s: (self.user_s - earlier.user_s).max(0.0),
            system_s: (self.system_s - earlier.system_s).max(0.0),
        }
    }
}

/// Samples a process's thread count while a run goes on: the kernel keeps
/// the peak memory (VmHWM) but not the peak number of threads.
pub struct ThreadSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl ThreadSampler {
    /// Starts sampling process `pid` every 50 ms.
    pub fn start(pid: u32) -> ThreadSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (stopped, seen) = (Arc::clone(&stop), Arc::clone(&peak));
        let thread = thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                if let Some(status) = ProcStatus::read(pid) {
                    seen.fetch_max(status.threads, Ordering::Relaxed);
                }
                thread::sleep(Duration::from_millis(50));
            }
        });
        ThreadSampler {
            stop,
            peak,
            thread: Some(thread),
        }
    }

    /// Stops sampling; the most threads seen.
    pub fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.peak.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_status() {
        let text = "Name:\ttcp-threaded-se\nVmPeak:\t  100000 kB\nVmHWM:\t    9876 kB\n\
                    VmRSS:\t    5432 kB\nThreads:\t1003\n";
        let status = ProcStatus::parse(text);
        assert_eq!(
            status,
            ProcStatus {
                vm_hwm_kib: 9876,
                vm_peak_kib: 100000,
                vm_rss_kib: 5432,
                threads: 1003
            }
        );
    }

    #[test]
    fn parses_proc_stat_with_spaces_in_the_name() {
        let stat = "4242 (python3 echo) S 1 2 3 4 5 6 7 8 9 10 250 75 0 0 20 0 3";
        assert_eq!(
            CpuTime::parse(stat),
            Some(CpuTime {
                user_s: 2.5,
                system_s: 0.75
            })
        );
        assert_eq!(CpuTime::parse("garbage"), None);
    }

    #[test]
    fn reads_our_own_status() {
        if let Some(status) = ProcStatus::read(std::process::id()) {
            assert!(status.vm_hwm_kib > 0 && status.threads >= 1, "{status:?}");
        }
    }
}
