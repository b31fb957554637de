//! The minimal async echo server (tokio): lesson 8's yardstick.
//!
//! One task per client on a `current_thread` runtime, as the lesson runs,
//! and nothing else: no printing, no client cap, no graceful shutdown, no
//! text decoding, the listen backlog of tokio's `TcpListener::bind` (mio's,
//! 128 like std's).
//! `write_all` waits for the client to take the echo before the task reads
//! again, so a client that never reads costs one read's worth of memory.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Bytes per read: the tutorials' `recv(1024)`, as the lesson servers use.
pub const BUF_SIZE: usize = 1024;

// ANCHOR: serve
/// Accepts clients forever, one task each.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(echo(stream));
            }
            // Out of file descriptors, say: try again a little later rather
            // than spin on the error.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Echoes one client until it closes (or the connection fails).
async fn echo(mut stream: TcpStream) {
    let mut buf = [0u8; BUF_SIZE];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
// ANCHOR_END: echo
