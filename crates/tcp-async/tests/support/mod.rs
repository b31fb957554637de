//! The async server in-process on port 0, on a thread of its own with its
//! own runtime, stopped by the test instead of a signal. Every wait is
//! bounded.

#![allow(dead_code)] // each test file uses a different part of this

use std::io::{self, Write};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use server_extras::Output;
use tcp_async::handler::Answer;
use tcp_async::server::{self, Options};
use testkit::TIMEOUT;
use tokio::sync::oneshot;

/// A server running `serve` on a thread; [`Server::stop`] ends it.
pub struct Server {
    pub addr: SocketAddr,
    pub out: Printed,
    stop: Option<oneshot::Sender<String>>,
    thread: Option<thread::JoinHandle<anyhow::Result<()>>>,
}

impl Server {
    pub fn start(answer: Answer, max_clients: usize) -> Server {
        Server::start_with(Options {
            answer,
            max_clients: NonZeroUsize::new(max_clients),
            quiet: true,
            grace: Duration::from_secs(5),
        })
    }

    pub fn start_with(options: Options) -> Server {
        let (stop, stopped) = oneshot::channel::<String>();
        let (addr_tx, addr_rx) = mpsc::channel();
        let out = Printed::default();
        let output = Output::new(out.clone());
        let thread = thread::spawn(move || {
            tcp_async::runtime()?.block_on(async move {
                let listener = server::bind("127.0.0.1", 0, tcp_async::DEFAULT_BACKLOG).await?;
                addr_tx.send(listener.local_addr()?)?;
                let stop = async move { stopped.await.unwrap_or_else(|_| "the test".into()) };
                server::serve(listener, options, stop, output).await
            })
        });
        let addr = addr_rx
            .recv_timeout(TIMEOUT)
            .expect("the server thread reports its address");
        Server {
            addr,
            out,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Asks the server to stop, as a signal would, and waits (bounded) for
    /// `serve` to return; returns how long that took.
    pub fn stop(&mut self) -> Duration {
        let started = Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send("the test".into());
        }
        let thread = self.thread.take().expect("stopped once");
        while !thread.is_finished() {
            assert!(started.elapsed() < TIMEOUT, "serve did not return");
            thread::sleep(Duration::from_millis(5));
        }
        thread.join().unwrap().expect("serve returns Ok");
        started.elapsed()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.thread.is_some() && !thread::panicking() {
            self.stop();
        }
    }
}

/// Everything the server printed, shared with the test.
#[derive(Clone, Default)]
pub struct Printed(Arc<Mutex<Vec<u8>>>);

impl Write for Printed {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Printed {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Waits (bounded) until the server has printed `needle`.
    pub fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(Instant::now() < deadline, "no {needle:?} in:\n{text}");
            thread::sleep(Duration::from_millis(5));
        }
    }
}

/// The most a flooding client writes: more than the kernel's socket
/// buffers on both ends can hold (about 8 MB on this Linux's loopback), so
/// a server without backpressure would have to keep the rest itself.
pub const FLOOD: usize = 32 * 1024 * 1024;

/// A client that writes up to [`FLOOD`] bytes and never reads an answer.
/// Returns its connection (open, unread) and how many bytes went through
/// before a write waited a whole second.
pub fn flood(addr: SocketAddr) -> (std::net::TcpStream, usize) {
    let hostile = testkit::connect(addr);
    hostile
        .set_write_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let (mut conn, mut total) = (&hostile, 0);
    while total < FLOOD && conn.write_all(&chunk).is_ok() {
        total += chunk.len();
    }
    (hostile, total)
}

/// Linux: the resident memory of process `pid`, in KiB (VmRSS).
#[cfg(target_os = "linux")]
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}
