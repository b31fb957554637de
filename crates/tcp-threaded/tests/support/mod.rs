//! Running the threaded server in-process on port 0, with its printed lines
//! and its typed input under the test's control. Every wait is bounded.

#![allow(dead_code)] // each test file uses a different part of this

use std::io::{self, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::num::NonZeroUsize;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Instant;

use common::{LineSource, Reply};
use server_extras::Output;
use tcp_threaded::server::{self, Options};
use testkit::TIMEOUT;

/// Everything the server printed, shared with the test.
#[derive(Clone, Default)]
pub struct Transcript(Arc<(Mutex<String>, Condvar)>);

impl Write for Transcript {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let (text, changed) = &*self.0;
        text.lock()
            .unwrap()
            .push_str(&String::from_utf8_lossy(bytes));
        changed.notify_all();
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transcript {
    pub fn text(&self) -> String {
        self.0 .0.lock().unwrap().clone()
    }

    /// Waits until the transcript contains `needle` `count` times.
    pub fn wait_for_count(&self, needle: &str, count: usize) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let (text, changed) = &*self.0;
        let mut guard = text.lock().unwrap();
        while guard.matches(needle).count() < count {
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting for {count} x {needle:?}; server printed:\n{guard}"
            );
            guard = changed.wait_timeout(guard, deadline - now).unwrap().0;
        }
        guard.clone()
    }

    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_for_count(needle, 1)
    }
}

/// Typed input the test writes line by line; dropping it is end of input.
pub struct Keyboard(mpsc::Sender<Vec<u8>>);

impl Keyboard {
    pub fn type_line(&self, line: &str) {
        self.0.send(format!("{line}\n").into_bytes()).unwrap();
    }
}

/// The server side of a [`Keyboard`].
struct Keys {
    rx: mpsc::Receiver<Vec<u8>>,
    pending: Vec<u8>,
}

impl Read for Keys {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            match self.rx.recv() {
                Ok(bytes) => self.pending = bytes,
                Err(_) => return Ok(0), // keyboard dropped: end of input
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// A server running `serve` on a thread, on a port-0 listener.
pub struct Server {
    pub addr: SocketAddr,
    pub out: Transcript,
    pub keyboard: Option<Keyboard>,
    pub thread: thread::JoinHandle<anyhow::Result<()>>,
}

impl Server {
    pub fn start(reply: Reply, max_clients: usize, quiet: bool) -> Server {
        Server::start_with(Options {
            reply,
            max_clients: NonZeroUsize::new(max_clients),
            quiet,
            stack_size: server::STACK_SIZE,
        })
    }

    pub fn start_with(options: Options) -> Server {
        let listener = server::bind("127.0.0.1", 0).expect("bind port 0");
        let addr = listener.local_addr().unwrap();
        let out = Transcript::default();
        let (tx, rx) = mpsc::channel();
        let keys = Keys {
            rx,
            pending: Vec::new(),
        };
        let typed = LineSource::reader(BufReader::new(keys), true);
        let output = Output::new(out.clone());
        let thread = thread::spawn(move || server::serve(&listener, options, typed, output));
        Server {
            addr,
            out,
            keyboard: Some(Keyboard(tx)),
            thread,
        }
    }

    /// Connects a client and waits until the server has seated it;
    /// returns the stream and the client's address as the server sees it.
    pub fn connect(&self) -> (TcpStream, SocketAddr) {
        let stream = testkit::connect(self.addr);
        let me = stream.local_addr().unwrap();
        self.out.wait_for(&format!("{me} connected"));
        (stream, me)
    }

    pub fn keyboard(&self) -> &Keyboard {
        self.keyboard.as_ref().expect("keyboard still connected")
    }

    /// End of input, then wait (bounded) for `serve` to return.
    pub fn close_keyboard_and_join(mut self, trigger: impl FnOnce()) -> String {
        self.keyboard = None;
        // The desk notices the end of input at its next prompt.
        trigger();
        let deadline = Instant::now() + TIMEOUT;
        while !self.thread.is_finished() {
            assert!(
                Instant::now() < deadline,
                "serve did not return; it printed:\n{}",
                self.out.text()
            );
            thread::sleep(std::time::Duration::from_millis(10));
        }
        self.thread.join().unwrap().expect("serve returns Ok");
        self.out.text()
    }
}

/// Sends `message` and reads one reply of exactly `expected.len()` bytes.
pub fn round_trip(stream: &mut TcpStream, message: &str, expected: &str) {
    stream.write_all(message.as_bytes()).unwrap();
    let got = testkit::read_exact_text(stream, expected.len());
    assert_eq!(got, expected);
}
