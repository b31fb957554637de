// Says goodbye but never shuts the connections down, so the client threads stay blocked in read() and joining them hangs.
//! Exercise 11: a server that stops cleanly.
//!
//! Read first: book/src/lessons/tcp-threaded.md (one thread per client).
//! Do exercise 5 first. The task is in this exercise's README.md;
//! `just check 11` tells you what is left to do.
//!
//! The lesson servers stop when you press Ctrl-C: the process dies, and
//! every connection with it. A server that stops cleanly refuses new
//! clients, tells the connected ones, closes their connections, and waits
//! for every thread it started, like the thread pool at the end of the Rust
//! book (chapter 21). The hard part: a thread blocked in `accept()` or
//! `read()` does not look at any flag until something wakes it.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

/// What every connected client receives when the server shuts down.
pub const BYE: &str = "server shutting down\n";

/// A running echo server (it echoes lines) that can be stopped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: JoinHandle<io::Result<usize>>,
}

impl Server {
    /// Starts serving `listener` on a thread of its own. (Written for you.)
    pub fn start(listener: TcpListener) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let acceptor = thread::spawn(move || accept_loop(listener, flag));
        Ok(Server {
            addr,
            stop,
            acceptor,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server: sets the stop flag, wakes the accept loop, and
    /// waits for it to finish (it says [`BYE`] to the clients, closes them
    /// and joins their threads). Returns how many clients were served.
    pub fn shutdown(self) -> io::Result<usize> {
        // TODO-BEGIN: Set the flag, wake accept(), join the accept loop.
        // accept() blocks until a client comes, so the flag alone is never
        // seen: connect to ourselves to wake it. (If the connect fails, the
        // accept loop has already ended: joining it says why.)
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        match self.acceptor.join() {
            Ok(result) => result,
            Err(_) => Err(io::Error::other("the accept loop panicked")),
        }
        // TODO-END
    }
}

/// Accepts clients, each served by [`echo_lines`] on a thread of its own,
/// until the stop flag is set. Then: says [`BYE`] to every client, closes
/// every connection (which ends the clients' threads), joins every thread,
/// and returns how many clients were served. Returning drops the listener:
/// from then on, connecting is refused.
fn accept_loop(listener: TcpListener, stop: Arc<AtomicBool>) -> io::Result<usize> {
    // TODO-BEGIN: A thread per client until `stop`; then BYE, close and join all.
    // Keep, for each client, a clone of its stream (try_clone) and its
    // thread's JoinHandle. stream.shutdown(Shutdown::Both) closes a
    // connection even while another thread is blocked reading it: that
    // read returns 0, and the thread ends.
    let mut clients: Vec<(TcpStream, JoinHandle<io::Result<()>>)> = Vec::new();
    for conn in listener.incoming() {
        // The wake-up call from `shutdown`, or a client just too late.
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let conn = match conn {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let handle = conn.try_clone()?;
        clients.push((handle, thread::spawn(move || echo_lines(conn))));
    }
    let served = clients.len();
    for (conn, _) in &clients {
        // A client that already left cannot be told; that is fine.
        let _ = (&*conn).write_all(BYE.as_bytes());
    }
    for (_, thread) in clients {
        let _ = thread.join();
    }
    Ok(served)
    // TODO-END
}

/// Echoes every line a client sends until it leaves (or its connection is
/// shut down). (Written for you.)
fn echo_lines(conn: TcpStream) -> io::Result<()> {
    let mut writer = conn.try_clone()?;
    for line in BufReader::new(conn).lines() {
        writer.write_all(format!("{}\n", line?).as_bytes())?;
    }
    Ok(())
}
