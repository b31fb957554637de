//! The async server in-process on port 0, on a thread of its own with its
//! own runtime, stopped by the test instead of a signal. Every wait is
//! bounded.

#![allow(dead_code)] // each test file uses a different part of this

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tcp_async::handler::Answer;
use tcp_async::server::{self, Options};
use testkit::TIMEOUT;
use tokio::sync::oneshot;

/// A server running `serve` on a thread; [`Server::stop`] ends it.
pub struct Server {
    pub addr: SocketAddr,
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
        let thread = thread::spawn(move || {
            tcp_async::runtime()?.block_on(async move {
                let listener = server::bind("127.0.0.1", 0, tcp_async::DEFAULT_BACKLOG).await?;
                addr_tx.send(listener.local_addr()?)?;
                let stop = async move { stopped.await.unwrap_or_else(|_| "the test".into()) };
                server::serve(listener, options, stop).await
            })
        });
        let addr = addr_rx
            .recv_timeout(TIMEOUT)
            .expect("the server thread reports its address");
        Server {
            addr,
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
