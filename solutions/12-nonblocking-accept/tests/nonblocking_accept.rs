//! The tests `just check 12` runs: several real loopback clients, one
//! server thread.

use exercise_support as support;

use std::cell::RefCell;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use nonblocking_accept::serve;
use support::{listener, spawn, Running, LIMIT};

/// How long a test waits for an echo: the server sleeps only `IDLE`
/// between rounds, so this is plenty even on a busy machine.
const PATIENCE: Duration = Duration::from_secs(1);

/// The servers' sleep between idle rounds, unless a test says otherwise.
const IDLE: Duration = Duration::from_millis(10);

/// Your `serve`, running on a thread of its own.
struct Server(RefCell<Option<Running<io::Result<()>>>>);

impl Server {
    fn start(clients: usize, idle: Duration) -> (Server, SocketAddr) {
        let (listener, addr) = listener();
        let running = spawn("serve", move || serve(&listener, clients, idle));
        (Server(RefCell::new(Some(running))), addr)
    }

    /// Fails the test: `what` went wrong, and what `serve` was doing.
    #[track_caller]
    fn fail(&self, what: &str) -> ! {
        let Some(running) = self.0.borrow_mut().take() else {
            panic!("{what}")
        };
        if running.still_running_after(Duration::from_millis(50)) {
            panic!(
                "{what}, and serve is still running: is it waiting in accept() or read() \
                 for one socket while the others wait for it? Make the listener and every \
                 accepted stream non-blocking"
            );
        }
        match running.join() {
            Err(e) if e.kind() == ErrorKind::WouldBlock => panic!(
                "{what}: serve returned the error {e:?}. On a non-blocking socket \
                 WouldBlock means \"nothing now, try later\", not a failure"
            ),
            Err(e) => panic!("{what}: serve returned the error {e}"),
            Ok(()) => panic!("{what}: serve returned before its clients had left"),
        }
    }

    /// Waits for `serve` to return, as it must once every client has left.
    #[track_caller]
    fn finish(self) {
        if let Some(running) = self.0.into_inner() {
            running.join().expect("serve failed");
        }
    }

    /// A new client of this server; its reads give up after [`PATIENCE`].
    #[track_caller]
    fn client(&self, addr: SocketAddr) -> TcpStream {
        let stream = match TcpStream::connect(addr) {
            Ok(stream) => stream,
            Err(e) => self.fail(&format!("connecting failed ({e})")),
        };
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_write_timeout(Some(LIMIT)).unwrap();
        stream
    }

    /// Sends `text` on `stream` and expects it back within [`PATIENCE`].
    #[track_caller]
    fn round_trip(&self, stream: &mut TcpStream, text: &str) {
        if let Err(e) = stream.write_all(text.as_bytes()) {
            self.fail(&format!("sending {text:?} failed ({e})"));
        }
        let mut got = vec![0u8; text.len()];
        let mut n = 0;
        while n < got.len() {
            match stream.read(&mut got[n..]) {
                Ok(0) => self.fail(&format!(
                    "the server closed the connection instead of echoing {text:?}: a \
                     client is gone when read() returns 0; WouldBlock from read() only \
                     means it has sent nothing yet"
                )),
                Ok(k) => n += k,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    self.fail(&format!("no echo of {text:?} within {PATIENCE:?}"))
                }
                Err(e) => self.fail(&format!("no echo of {text:?}: {e}")),
            }
        }
        assert_eq!(String::from_utf8_lossy(&got), text);
    }
}

#[test]
fn a_client_that_waits_before_speaking_is_served() {
    // serve starts before anyone connects (accept: WouldBlock), and the
    // client is silent at first (read: WouldBlock).
    let (server, addr) = Server::start(1, IDLE);
    thread::sleep(Duration::from_millis(100));
    let mut a = server.client(addr);
    thread::sleep(Duration::from_millis(200));
    server.round_trip(&mut a, "hello 你好\n");
    server.round_trip(&mut a, "again\n");
    drop(a);
    server.finish();
}

#[test]
fn the_first_client_is_served_before_the_second_connects() {
    let (server, addr) = Server::start(2, IDLE);
    let mut a = server.client(addr);
    // Pauses before speaking: by then the server has accepted A and found
    // nothing to read, and must not be waiting for a second client.
    for text in ["first\n", "first, again\n"] {
        thread::sleep(Duration::from_millis(100));
        server.round_trip(&mut a, text);
    }
    let mut b = server.client(addr);
    server.round_trip(&mut b, "second\n");
    drop((a, b));
    server.finish();
}

#[test]
fn a_silent_client_does_not_hold_up_another() {
    let (server, addr) = Server::start(2, IDLE);
    let mut silent = server.client(addr);
    thread::sleep(Duration::from_millis(50));
    let mut talker = server.client(addr);
    for i in 0..5 {
        server.round_trip(&mut talker, &format!("line {i}\n"));
    }
    server.round_trip(&mut silent, "my turn\n");
    drop((silent, talker));
    server.finish();
}

#[test]
fn five_clients_take_turns_and_serve_returns_when_all_leave() {
    let (server, addr) = Server::start(5, IDLE);
    let mut clients: Vec<TcpStream> = (0..5).map(|_| server.client(addr)).collect();
    for round in 0..3 {
        for (i, c) in clients.iter_mut().enumerate() {
            server.round_trip(c, &format!("client {i} round {round}\n"));
        }
    }
    // One leaves early; the others are still served.
    drop(clients.remove(2));
    for c in &mut clients {
        server.round_trip(c, "still here\n");
    }
    drop(clients);
    server.finish();
}

#[test]
fn an_idle_server_answers_within_its_idle_time() {
    // A 50 ms sleep between idle rounds: an echo may wait up to 50 ms for
    // the round to come, so 500 ms leaves a wide margin, and a server
    // that sleeps a fixed second (whatever `idle` says) is too late.
    let (server, addr) = Server::start(1, Duration::from_millis(50));
    let mut a = server.client(addr);
    server.round_trip(&mut a, "wake up\n");
    for i in 0..3 {
        thread::sleep(Duration::from_millis(200));
        let asked = Instant::now();
        server.round_trip(&mut a, &format!("ping {i}\n"));
        let took = asked.elapsed();
        assert!(
            took < Duration::from_millis(500),
            "the echo took {took:?} with idle = 50 ms: sleep `idle` between rounds, \
             not a time of your own"
        );
    }
    drop(a);
    server.finish();
}

/// The CPU time (user + system) one thread of this process has used, from
/// /proc (Linux only), in clock ticks (USER_HZ, 100 a second on Linux).
#[cfg(target_os = "linux")]
fn cpu_ticks(task: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{task}/stat"))
        .expect("read the thread's /proc stat");
    // The fields after the command name, which is in parentheses and may
    // hold spaces: state is field 3, utime 14, stime 15.
    let after = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let number = |i: usize| fields[i - 3].parse::<u64>().expect("a number of ticks");
    number(14) + number(15)
}

#[cfg(target_os = "linux")]
#[test]
fn an_idle_server_does_not_spin() {
    // Measures the server's own thread, so other tests running at the
    // same time do not count.
    let (listener, addr) = listener();
    let (tx, rx) = std::sync::mpsc::channel();
    let running = spawn("serve", move || {
        // "/proc/thread-self" links to "<pid>/task/<tid>".
        let me = std::fs::read_link("/proc/thread-self").expect("read /proc/thread-self");
        let tid = me.file_name().unwrap().to_string_lossy().into_owned();
        tx.send(tid).unwrap();
        serve(&listener, 2, IDLE)
    });
    let server = Server(RefCell::new(Some(running)));
    let task = rx.recv_timeout(LIMIT).expect("the server thread's id");
    let mut a = server.client(addr);
    let mut b = server.client(addr);
    server.round_trip(&mut a, "a\n");
    server.round_trip(&mut b, "b\n");
    // Two clients connected, nobody says anything for 600 ms.
    let before = cpu_ticks(&task);
    let started = Instant::now();
    thread::sleep(Duration::from_millis(600));
    let ticks = cpu_ticks(&task) - before;
    let wall = started.elapsed();
    // Sleeping 10 ms per idle round costs well under a tick; a loop that
    // never sleeps uses the whole 60 ticks (or what it gets of a busy CPU).
    assert!(
        ticks <= 6,
        "while idle for {wall:?}, serve used {} ms of CPU: a loop that asks again at \
         once after WouldBlock spins. Sleep `idle` when a round found nothing to do",
        ticks * 10
    );
    server.round_trip(&mut a, "still there\n");
    drop((a, b));
    server.finish();
}
