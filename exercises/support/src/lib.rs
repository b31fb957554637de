//! Helpers for the tests: real loopback sockets, and no wait without a limit.
//!
//! Every exercise's tests use this one crate. A test never hangs: your
//! code runs on a thread of its own and the test waits at most [`LIMIT`]
//! for it, and every socket a test reads from has a read timeout.

use std::any::Any;
use std::cell::RefCell;
use std::io::{ErrorKind, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

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
                 read(), waiting for something that never comes? (read_to_end() and \
                 read_to_string() wait until the peer closes the connection; one \
                 read(&mut buf) returns as soon as some bytes arrive)",
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
    let listener = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("the test could not listen on 127.0.0.1 (port 0): {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("the test's listener has no address: {e}"));
    (listener, addr)
}

/// Reads and writes on `stream` time out after [`LIMIT`].
#[track_caller]
fn limited(stream: &TcpStream) {
    let set = stream
        .set_read_timeout(Some(LIMIT))
        .and_then(|()| stream.set_write_timeout(Some(LIMIT)));
    if let Err(e) = set {
        panic!("the test could not set a {LIMIT:?} time limit on its socket: {e}");
    }
}

/// Connects to `addr`; reads and writes on the stream time out after [`LIMIT`].
#[track_caller]
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap_or_else(|e| {
        panic!(
            "the test could not connect to your server at {addr}: {e} \
             (does it listen on the listener it was given, or did it return before accept()?)"
        )
    });
    limited(&stream);
    stream
}

/// Accepts one connection on `listener`, waiting at most [`LIMIT`].
#[track_caller]
pub fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    if let Err(e) = listener.set_nonblocking(true) {
        panic!("the test could not poll its listener: {e}");
    }
    let deadline = Instant::now() + LIMIT;
    loop {
        match listener.accept() {
            Ok((stream, addr)) => {
                if let Err(e) = stream.set_nonblocking(false) {
                    panic!("the test could not use the accepted connection: {e}");
                }
                limited(&stream);
                return (stream, addr);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                assert!(
                    Instant::now() < deadline,
                    "your code did not connect to the test's server within {LIMIT:?}"
                );
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("the test's accept() failed: {e}"),
        }
    }
}

/// Why nothing arrived: the test stops sending (a half close, what
/// `shutdown(Write)` does) and waits one more second. A server that answers
/// only now was waiting for the client to close: `read_to_end` or
/// `read_to_string`, where one `read` was meant. Only a real TCP stream can
/// be asked; anything else gets the plain message.
fn why_silent(stream: &mut dyn Any) -> Option<&'static str> {
    let stream = stream.downcast_mut::<TcpStream>()?;
    stream.shutdown(Shutdown::Write).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
    let mut byte = [0u8; 1];
    let answered = matches!(stream.read(&mut byte), Ok(1));
    Some(if answered {
        "and answered only once the test stopped sending (a half close): it waits for \
         the client to close the connection. read_to_end() and read_to_string() do that, \
         and this client waits for your answer before it closes, so both wait. Read once \
         with read(&mut buf): it returns as soon as some bytes arrive"
    } else {
        "not even after the test stopped sending (a half close). Is it still in \
         accept() or read(), or did it forget to write the answer?"
    })
}

/// The message of a read that found the connection closed with `got`
/// (`reset`: closed with our bytes unread, so the close came as a reset).
fn closed_after(what: &str, got: &[u8], reset: bool) -> String {
    let how = if reset {
        " (it left bytes the test sent unread, so the close came as a reset)"
    } else {
        ""
    };
    if got.is_empty() {
        format!(
            "expected {what}, but your code closed the connection without sending \
             anything{how}. \
             A classic cause: reading into Vec::with_capacity(n). That Vec's len() is 0, and \
             read() fills only len() bytes, so it reads 0 bytes at once, and 0 bytes also \
             means \"the peer closed\". Read into [0u8; n] or vec![0u8; n] instead"
        )
    } else {
        format!(
            "expected {what}, but the connection closed{how} after {:?}",
            String::from_utf8_lossy(got)
        )
    }
}

/// The message of a read that timed out with `got`.
fn silent(stream: &mut dyn Any, what: &str, got: &[u8]) -> String {
    if got.is_empty() {
        let why = why_silent(stream).unwrap_or("is it stuck in accept() or read()?");
        format!(
            "expected {what}, but your code accepted the connection and sent nothing \
             within {LIMIT:?}, {why}"
        )
    } else {
        format!(
            "expected {what} within {LIMIT:?}, but only {:?} arrived",
            String::from_utf8_lossy(got)
        )
    }
}

/// One read of at most `buf.len()` bytes, as a test's own server or client
/// makes it: fails the test, saying what was awaited, if nothing arrives
/// within [`LIMIT`]. Returns 0 when the other side closed.
#[track_caller]
pub fn read_some(stream: &mut TcpStream, buf: &mut [u8], what: &str) -> usize {
    loop {
        match stream.read(buf) {
            Ok(n) => return n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "the test waited {LIMIT:?} for {what}, but your code sent nothing and kept \
                 the connection open"
            ),
            Err(e) => panic!("the test waited for {what}, but the read failed: {e}"),
        }
    }
}

/// Reads exactly `n` bytes, failing the test (`what` says what was
/// expected) if they do not all arrive within the read timeout. When
/// nothing at all arrives, the failure says why, as far as a test can tell.
#[track_caller]
pub fn read_exactly<R: Read + Any>(stream: &mut R, n: usize, what: &str) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match stream.read(&mut buf[got..]) {
            Ok(0) => panic!("{}", closed_after(what, &buf[..got], false)),
            Ok(k) => got += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("{}", silent(stream, what, &buf[..got]))
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                panic!("{}", closed_after(what, &buf[..got], true))
            }
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
pub fn expect_text<R: Read + Any>(stream: &mut R, expected: &str) {
    let got = read_exactly(stream, expected.len(), &format!("{expected:?}"));
    assert_eq!(
        String::from_utf8_lossy(&got),
        expected,
        "the right number of bytes arrived, but not the expected text"
    );
}

/// Reads one line (up to and including '\n'), byte by byte so nothing after
/// it is consumed.
#[track_caller]
pub fn read_line<R: Read + Any>(stream: &mut R) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => panic!("{}", closed_after("a line", &line, false)),
            Ok(_) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return String::from_utf8_lossy(&line).into_owned();
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("{}", silent(stream, "a line", &line))
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                panic!("{}", closed_after("a line", &line, true))
            }
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
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if all.is_empty() {
                    panic!(
                        "your code sent nothing within {LIMIT:?} and did not close the \
                         connection either: is it stuck in accept() or read()?"
                    )
                }
                panic!(
                    "your code sent {:?}, but did not close the connection within {LIMIT:?}: \
                     the stream closes when it is dropped (returned from, or drop(stream))",
                    String::from_utf8_lossy(&all)
                )
            }
            // A reset also ends the connection.
            Err(_) => return all,
        }
    }
}

/// Checks that nothing arrives on `stream` within `wait`.
#[track_caller]
pub fn expect_nothing(stream: &TcpStream, wait: Duration, why: &str) {
    let mut buf = [0u8; 256];
    let result = stream
        .set_read_timeout(Some(wait))
        .and_then(|()| (&*stream).read(&mut buf));
    limited(stream);
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
    let deadline = Instant::now() + LIMIT;
    udp_limit(socket, Duration::from_millis(50));
    let received = loop {
        match socket.recv_from(buf) {
            Ok(received) => break received,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                sender.assert_not_panicked();
                assert!(
                    Instant::now() < deadline,
                    "no datagram from `{}` within {LIMIT:?}: did it send its answer to the \
                     address recv_from() returned?",
                    sender.what
                );
            }
            Err(e) => {
                sender.assert_not_panicked();
                panic!("no datagram from `{}`: {e}", sender.what);
            }
        }
    };
    udp_limit(socket, LIMIT);
    received
}

#[track_caller]
fn udp_limit(socket: &UdpSocket, wait: Duration) {
    if let Err(e) = socket.set_read_timeout(Some(wait)) {
        panic!("the test could not set a {wait:?} time limit on its UDP socket: {e}");
    }
}

/// A UDP socket on 127.0.0.1, on a port the system picks; reads time out
/// after [`LIMIT`].
#[track_caller]
pub fn udp_socket() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("the test could not bind a UDP socket on 127.0.0.1: {e}"));
    udp_limit(&socket, LIMIT);
    let addr = socket
        .local_addr()
        .unwrap_or_else(|e| panic!("the test's UDP socket has no address: {e}"));
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

#[cfg(test)]
mod tests {
    //! The failure messages themselves, with real servers that make the
    //! classic mistakes on loopback.

    use super::*;
    use std::io::Write;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// The message a check panics with.
    fn failure(check: impl FnOnce()) -> String {
        let payload = catch_unwind(AssertUnwindSafe(check)).expect_err("the check should fail");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    /// A server that accepts one client and runs `serve` on it, on a thread.
    fn server(serve: impl FnOnce(TcpStream) + Send + 'static) -> SocketAddr {
        let (listener, addr) = listener();
        thread::spawn(move || {
            if let Ok((conn, _)) = listener.accept() {
                serve(conn);
            }
        });
        addr
    }

    #[test]
    fn a_server_that_reads_to_the_end_is_named() {
        let addr = server(|mut conn| {
            let mut all = Vec::new();
            if conn.read_to_end(&mut all).is_ok() {
                let _ = conn.write_all(&all);
            }
        });
        let mut client = connect(addr);
        client.write_all(b"ping").expect("send");
        let started = Instant::now();
        let message = failure(|| expect_text(&mut client, "ping"));
        assert!(message.contains("sent nothing within 5s"), "{message}");
        assert!(message.contains("read_to_end()"), "{message}");
        assert!(message.contains("answered only once"), "{message}");
        assert!(started.elapsed() < LIMIT + Duration::from_secs(2));
    }

    #[test]
    fn a_read_into_with_capacity_is_named() {
        let addr = server(|mut conn| {
            let mut buf = Vec::with_capacity(1024);
            // Reads 0 bytes: the Vec's length is 0.
            let n = conn.read(&mut buf).unwrap_or(0);
            let _ = conn.write_all(&buf[..n]);
        });
        let mut client = connect(addr);
        client.write_all(b"ping").expect("send");
        let message = failure(|| expect_text(&mut client, "ping"));
        assert!(
            message.contains("closed the connection without sending anything"),
            "{message}"
        );
        assert!(message.contains("Vec::with_capacity(n)"), "{message}");
        assert!(message.contains("vec![0u8; n]"), "{message}");
    }

    #[test]
    fn a_server_that_never_answers_is_named_with_the_time_waited() {
        let addr = server(|conn| {
            // Holds the connection open, reads nothing, sends nothing.
            thread::sleep(LIMIT + Duration::from_secs(3));
            drop(conn);
        });
        let mut client = connect(addr);
        let message = failure(|| drop(read_line(&mut client)));
        assert!(
            message.contains("accepted the connection and sent nothing within 5s"),
            "{message}"
        );
        assert!(message.contains("not even after"), "{message}");
    }

    #[test]
    fn a_server_that_answers_but_never_closes_is_told_so() {
        let addr = server(|mut conn| {
            let _ = conn.write_all(b"hi");
            thread::sleep(LIMIT + Duration::from_secs(3));
        });
        let mut client = connect(addr);
        let message = failure(|| drop(read_to_close(&mut client)));
        assert!(
            message.contains("sent \"hi\", but did not close the connection within 5s"),
            "{message}"
        );
    }

    #[test]
    fn a_function_that_never_returns_names_read_to_end() {
        let running = spawn("serve_one", || {
            thread::sleep(LIMIT + Duration::from_secs(3))
        });
        let message = failure(|| running.join());
        assert!(
            message.contains("`serve_one` did not return within 5s"),
            "{message}"
        );
        assert!(message.contains("read_to_end()"), "{message}");
    }

    #[test]
    fn a_test_server_waiting_for_the_learners_client_says_what_it_waited_for() {
        let (listener, addr) = listener();
        let _client = TcpStream::connect(addr).expect("connect");
        let (mut conn, _) = accept(&listener);
        let mut buf = [0u8; 16];
        let message = failure(|| {
            read_some(&mut conn, &mut buf, "the next message");
        });
        assert!(
            message.contains("waited 5s for the next message, but your code sent nothing"),
            "{message}"
        );
    }
}
