//! Running the select server in-process on port 0, its printed lines under
//! the test's control. The server loops for ever on its own thread; the
//! thread ends with the test process. Every wait is bounded.

#![allow(dead_code)] // each test file uses a different part of this

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::num::NonZeroUsize;
use std::thread;

use common::Reply;
use server_extras::Output;
use tcp_select::server::{self, Options, DEFAULT_BACKLOG};
use testkit::Printed;

/// A server serving on a thread of the test process.
pub struct Server {
    pub addr: SocketAddr,
    pub out: Printed,
}

impl Server {
    /// Echoes (or answers `--reply`), with an optional client cap.
    pub fn start(reply: Reply, max_clients: usize, quiet: bool) -> Server {
        let listener = server::bind("127.0.0.1", 0, DEFAULT_BACKLOG).expect("bind port 0");
        let addr = listener.local_addr().unwrap();
        let (sink, out) = testkit::shared_out();
        let options = Options {
            reply,
            max_clients: NonZeroUsize::new(max_clients),
            quiet,
        };
        thread::spawn(move || server::serve(listener, options, Output::new(sink)));
        Server { addr, out }
    }

    pub fn echo() -> Server {
        Server::start(Reply::Echo, 0, false)
    }

    /// Connects a client without waiting for a line (for `quiet` servers).
    pub fn connect_quiet(&mut self) -> (TcpStream, SocketAddr) {
        let stream = testkit::connect(self.addr);
        let me = stream.local_addr().unwrap();
        (stream, me)
    }

    /// Connects a client and waits until the server has printed it;
    /// returns the stream and the client's address as the server sees it.
    pub fn connect(&mut self) -> (TcpStream, SocketAddr) {
        let stream = testkit::connect(self.addr);
        let me = stream.local_addr().unwrap();
        self.out.wait_for(&format!("{me} connected"));
        (stream, me)
    }
}

/// Sends `message` and reads back exactly `expected.len()` bytes.
pub fn round_trip(stream: &mut TcpStream, message: &str, expected: &str) {
    stream.write_all(message.as_bytes()).unwrap();
    let got = testkit::read_exact_text(stream, expected.len());
    assert_eq!(got, expected);
}

/// Reads whatever arrives within the stream's read timeout, up to `limit`.
pub fn read_some(stream: &mut TcpStream, limit: usize) -> Vec<u8> {
    let mut buf = vec![0u8; limit];
    let n = stream.read(&mut buf).expect("read");
    buf.truncate(n);
    buf
}
