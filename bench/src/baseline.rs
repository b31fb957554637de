//! The minimal thread-per-connection echo server: the yardstick.
//!
//! Nothing but what thread-per-client needs: accept, spawn a thread, and in
//! that thread read and write back until the client closes. No printing, no
//! shared state, default thread stack, default socket options. The lesson's
//! `tcp-threaded-server --echo --quiet` does the same job with more around
//! it (client reports, a client cap, typed replies); measuring both on the
//! same machine shows what that costs.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Bytes per read: the tutorials' `recv(1024)`, as the lesson servers use.
pub const BUF_SIZE: usize = 1024;

// ANCHOR: serve
/// Accepts clients forever, one thread each, echoing everything they send.
pub fn serve(listener: &TcpListener) -> io::Result<()> {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                // Builder::spawn reports a failure (out of memory or
                // threads) instead of panicking like thread::spawn: the
                // client is dropped, the server goes on.
                let _ = thread::Builder::new().spawn(move || echo(stream));
            }
            // Out of file descriptors, say: others may close soon. Pausing
            // keeps a persistent error from spinning a core.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Echoes one client until it closes (or the connection fails).
pub fn echo(mut stream: TcpStream) {
    let mut buf = [0u8; BUF_SIZE];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}
// ANCHOR_END: echo
