// Adds 1 per client that finished instead of the number of messages it was answered.
//! Exercise 5: the heart of the tcp-threaded server.
//!
//! Read first: book/src/lessons/tcp-threaded.md (the lesson's code is
//! crates/tcp-threaded/src/server.rs). The task is in this exercise's
//! README.md; `just check 05` tells you what is left to do.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

/// The tutorials read with `recv(1024)`: at most this many bytes per message.
pub const BUF_SIZE: usize = 1024;

/// Serves one client until it closes: every message is answered with
/// `<client address>: <message>`. Returns how many messages it answered.
/// (Written for you: the exercise is [`serve`].)
pub fn serve_client(mut conn: TcpStream, addr: SocketAddr) -> io::Result<usize> {
    let mut buf = [0u8; BUF_SIZE];
    let mut answered = 0;
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Ok(answered);
        }
        let message = String::from_utf8_lossy(&buf[..n]);
        conn.write_all(format!("{addr}: {message}").as_bytes())?;
        answered += 1;
    }
}

/// Accepts `clients` clients and serves each on a thread of its own, with
/// [`serve_client`], so that they are all served at once. Returns, once
/// every client has left, the total number of messages answered.
///
/// A client whose [`serve_client`] fails (or whose thread panics) counts
/// for nothing: one bad client never stops the server.
pub fn serve(listener: &TcpListener, clients: usize) -> io::Result<usize> {
    // TODO-BEGIN: A thread per client; then join them all and add up their counts.
    // thread::spawn(move || ...) runs a closure on a new thread and returns
    // a JoinHandle; handle.join() waits for it and returns what the closure
    // returned (Err if the thread panicked).
    let mut threads = Vec::new();
    for _ in 0..clients {
        let (conn, addr) = listener.accept()?;
        // `move`: the thread owns the connection; the loop goes straight
        // back to accept() while this client is being served.
        threads.push(thread::spawn(move || serve_client(conn, addr)));
    }
    let mut total = 0;
    for thread in threads {
        match thread.join() {
            Ok(Ok(_answered)) => total += 1,
            Ok(Err(e)) => eprintln!("a client failed: {e}"),
            Err(_) => eprintln!("a client's thread panicked"),
        }
    }
    Ok(total)
    // TODO-END
}
