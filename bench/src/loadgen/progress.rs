//! The progress line: once a second, on stderr, rewritten in place.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::Shared;

/// A running progress printer; [`Progress::stop`] ends its line.
pub(super) struct Progress {
    stop: Sender<()>,
    thread: Option<JoinHandle<bool>>,
}

/// Starts printing progress for a run of `clients` clients.
pub(super) fn start(shared: Arc<Shared>, clients: usize) -> Progress {
    let (stop, stopped) = mpsc::channel::<()>();
    let thread = thread::Builder::new()
        .name("progress".into())
        .spawn(move || {
            let began = Instant::now();
            let mut last = 0;
            let mut printed = false;
            // recv_timeout doubles as the one-second sleep and the stop signal.
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(Duration::from_secs(1))
            {
                let done = shared.round_trips.load(Ordering::Relaxed);
                let line = format!(
                    "\r{:>6.1}s  {clients} clients  {} open  {done} round trips  {}/s  {} errors ",
                    began.elapsed().as_secs_f64(),
                    shared.open.load(Ordering::Relaxed),
                    done - last,
                    shared.errors.load(Ordering::Relaxed),
                );
                last = done;
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(line.as_bytes());
                let _ = err.flush();
                printed = true;
            }
            printed
        })
        .ok();
    Progress { stop, thread }
}

impl Progress {
    /// Stops the printer and ends its line, so what follows starts clean.
    pub(super) fn stop(mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            if let Ok(true) = thread.join() {
                eprintln!();
            }
        }
    }
}
