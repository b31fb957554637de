//! What the server prints: whole lines, the same words as lesson 4's.

use std::cell::RefCell;
use std::io::{self, Write};
use std::net::SocketAddr;

use log::debug;

use crate::connection::Goodbye;

/// How the refusal (`--max-clients`) starts.
pub const BUSY: &str = "server busy:";

/// Where the server's lines go (stdout, or a test's buffer).
pub struct Output {
    sink: RefCell<Box<dyn Write + Send>>,
}

impl Output {
    pub fn stdout() -> Output {
        Output::new(io::stdout())
    }

    pub fn new(sink: impl Write + Send + 'static) -> Output {
        Output {
            sink: RefCell::new(Box::new(sink)),
        }
    }

    /// Prints `text` and a newline as one write; write errors are ignored
    /// (a server whose stdout was closed keeps serving).
    pub fn line(&self, text: impl std::fmt::Display) {
        let mut sink = self.sink.borrow_mut();
        let _ = sink.write_all(format!("{text}\n").as_bytes());
        let _ = sink.flush();
    }

    pub fn arrived(&self, addr: SocketAddr, now: usize, quiet: bool) {
        if !quiet {
            self.line(format!("{addr} connected ({} now)", clients_text(now)));
        }
    }

    pub fn gone(&self, addr: SocketAddr, goodbye: &Goodbye, now: usize, quiet: bool) {
        if !quiet || matches!(goodbye, Goodbye::Failed(_)) {
            self.line(format!("{addr} {goodbye} ({} now)", clients_text(now)));
        }
    }

    pub fn refuse(&self, mut stream: mio::net::TcpStream, addr: SocketAddr, now: usize) {
        let why = format!(
            "{BUSY} {} already connected, try again later",
            clients_text(now)
        );
        let _ = stream.write(why.as_bytes());
        debug!("refuse: {addr}: close");
        self.line(format!("refused {addr}: {why}"));
    }
}

/// `1 client`, `2 clients`.
pub fn clients_text(n: usize) -> String {
    if n == 1 {
        "1 client".to_string()
    } else {
        format!("{n} clients")
    }
}
