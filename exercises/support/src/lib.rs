//! Helpers for the tests: real loopback sockets, and no wait without a limit.
//!
//! Every exercise's tests use this one crate. A test never hangs: your
//! code runs on a thread of its own and the test waits at most [`LIMIT`]
//! for it, and every socket a test reads from has a read timeout.

use std::cell::RefCell;
use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// The longest a test waits for anything.
pub const LIMIT: Duration = Duration::from_secs(5);

/// A function of yours, running on a thread of its own.
pub struct Running<T> {
    what: &'static str,
    result: mpsc::Receiver<T>,
    /// What it returned, if a check saw it return before `join`.
    early: RefCell<Option<T>>,
}

/// Runs `f` (named `what` in failure messages) on a thread of its own, so
/// the test can talk to it over sockets.
pub fn spawn<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Running<T> {
    let (tx, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    Running {
        what,
        result,
        early: RefCell::new(None),
    }
}

impl<T> Running<T> {
    /// Waits at most [`LIMIT`] for it to return, and returns what it returned.
    #[track_caller]
    pub fn join(self) -> T {
        if let Some(value) = self.early.take() {
            return value;
        }
        match self.result.recv_timeout(LIMIT) {
            Ok(value) => value,
            Err(RecvTimeoutError::Timeout) => panic!(
                "`{}` did not return within {LIMIT:?}: is it stuck in accept() or \
                 read(), waiting for something that never comes?",
                self.what
            ),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("`{}` panicked (its message is above)", self.what)
            }
        }
    }

    /// True when it has not returned after `wait` (nor panicked).
    pub fn still_running_after(&self, wait: Duration) -> bool {
        if self.early.borrow().is_some() {
            return false;
        }
        match self.result.recv_timeout(wait) {
            Ok(value) => {
                self.early.replace(Some(value));
                false
            }
            Err(RecvTimeoutError::Timeout) => true,
            Err(RecvTimeoutError::Disconnected) => false,
        }
    }

    /// Fails the test at once if it panicked: nothing it was supposed to
    /// send will ever come.
    #[track_caller]
    pub fn assert_not_panicked(&self) {
        if self.early.borrow().is_some() {
            return;
        }
        match self.result.try_recv() {
            Ok(value) => {
                self.early.replace(Some(value));
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                panic!("`{}` panicked (its message is above)", self.what)
            }
        }
    }
}

/// A listener on 127.0.0.1, on a port the system picks.
#[track_caller]
pub fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local_addr");
    (listener, addr)
}

/// Connects to `addr`; reads and writes on the stream time out after [`LIMIT`].
#[track_caller]
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the server");
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream.set_write_timeout(Some(LIMIT)).unwrap();
    stream
}

/// Accepts one connection on `listener`, waiting at most [`LIMIT`].
#[track_caller]
pub fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    listener.set_nonblocking(true).unwrap();
    let deadline = std::time::Instant::now() + LIMIT;
    loop {
        match listener.accept() {
            Ok((stream, addr)) => {
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(LIMIT)).unwrap();
                stream.set_write_timeout(Some(LIMIT)).unwrap();
                return (stream, addr);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "nobody connected within {LIMIT:?}"
                );
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("accept failed: {e}"),
        }
    }
}

/// Reads exactly `n` bytes, failing the test (`what` says what was
/// expected) if they do not all arrive within the read timeout.
#[track_caller]
pub fn read_exactly(stream: &mut impl Read, n: usize, what: &str) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match stream.read(&mut buf[got..]) {
            Ok(0) => panic!(
                "expected {what}, but the connection closed after {:?}",
                String::from_utf8_lossy(&buf[..got])
            ),
            Ok(k) => got += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "expected {what} within {LIMIT:?}, but only {:?} arrived",
                String::from_utf8_lossy(&buf[..got])
            ),
            Err(e) => panic!(
                "expected {what}, got {:?} and then: {e}",
                String::from_utf8_lossy(&buf[..got])
            ),
        }
    }
    buf
}

/// Reads `expected.len()` bytes and checks they are `expected`.
#[track_caller]
pub fn expect_text(stream: &mut impl Read, expected: &str) {
    let got = read_exactly(stream, expected.len(), &format!("{expected:?}"));
    assert_eq!(String::from_utf8_lossy(&got), expected);
}

/// Reads one line (up to and including '\n'), byte by byte so nothing after
/// it is consumed.
#[track_caller]
pub fn read_line(stream: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => panic!(
                "expected a line, but the connection closed after {:?}",
                String::from_utf8_lossy(&line)
            ),
            Ok(_) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return String::from_utf8_lossy(&line).into_owned();
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "expected a line within {LIMIT:?}, but only {:?} arrived",
                String::from_utf8_lossy(&line)
            ),
            Err(e) => panic!(
                "expected a line, got {:?} and then: {e}",
                String::from_utf8_lossy(&line)
            ),
        }
    }
}

/// Reads until the other side closes; fails if it does not within the timeout.
#[track_caller]
pub fn read_to_close(stream: &mut impl Read) -> Vec<u8> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return all,
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "the connection was not closed within {LIMIT:?} (received {:?})",
                String::from_utf8_lossy(&all)
            ),
            // A reset also ends the connection.
            Err(_) => return all,
        }
    }
}

/// Checks that nothing arrives on `stream` within `wait`.
#[track_caller]
pub fn expect_nothing(stream: &TcpStream, wait: Duration, why: &str) {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 256];
    let result = (&*stream).read(&mut buf);
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    match result {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        Ok(n) => panic!(
            "{why}, but received {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) => panic!("{why}, but the read failed: {e}"),
    }
}

/// Receives one datagram on `socket`, waiting at most [`LIMIT`] but failing
/// at once if `sender` (your server, running) panics: UDP never tells a
/// client that the server is gone.
#[track_caller]
pub fn recv_from_running<T>(
    socket: &UdpSocket,
    buf: &mut [u8],
    sender: &Running<T>,
) -> (usize, SocketAddr) {
    let deadline = std::time::Instant::now() + LIMIT;
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let received = loop {
        match socket.recv_from(buf) {
            Ok(received) => break received,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                sender.assert_not_panicked();
                assert!(
                    std::time::Instant::now() < deadline,
                    "no datagram from `{}` within {LIMIT:?}",
                    sender.what
                );
            }
            Err(e) => {
                sender.assert_not_panicked();
                panic!("no datagram from `{}`: {e}", sender.what);
            }
        }
    };
    socket.set_read_timeout(Some(LIMIT)).unwrap();
    received
}

/// A UDP socket on 127.0.0.1, on a port the system picks; reads time out
/// after [`LIMIT`].
#[track_caller]
pub fn udp_socket() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket");
    socket.set_read_timeout(Some(LIMIT)).unwrap();
    let addr = socket.local_addr().unwrap();
    (socket, addr)
}

/// An in-memory stream that hands out its bytes in the pieces a test
/// chooses, one piece per read: the network may split a message anywhere,
/// this splits it exactly where the test says.
pub struct Pieces {
    pieces: std::collections::VecDeque<Vec<u8>>,
}

impl Pieces {
    /// One read per piece.
    pub fn new(pieces: &[&[u8]]) -> Pieces {
        Pieces {
            pieces: pieces.iter().map(|p| p.to_vec()).collect(),
        }
    }

    /// One read per byte: the worst the network can do.
    pub fn bytewise(bytes: &[u8]) -> Pieces {
        Pieces {
            pieces: bytes.iter().map(|&b| vec![b]).collect(),
        }
    }
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(mut piece) = self.pieces.pop_front() else {
            return Ok(0);
        };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        if n < piece.len() {
            self.pieces.push_front(piece.split_off(n));
        }
        Ok(n)
    }
}
