//! `nonblocking`: `setblocking(False)`: a call that would wait returns at
//! once with an error instead, until there is something to do.
//!
//! Python raises `BlockingIOError` (errno EAGAIN, 11 on Linux); Rust
//! returns `Err` with `ErrorKind::WouldBlock`. The same call, made again
//! once a client or data has arrived, succeeds. Real programs do not retry
//! in a loop like this: an event loop (`selectors`, mio, tokio) says when.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::lab::errno;
use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: accept
    // 1. A non-blocking listener: accept() with nobody connecting returns at once.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    listener.set_nonblocking(true)?;
    let nobody = listener.accept().err();
    // ANCHOR_END: accept
    lab.step("set_nonblocking(true) on a listener; accept() with nobody connecting");
    if let Some(err) = &nobody {
        lab.say(format!("Err: {:?}, {}", err.kind(), errno(err)));
    }

    // ANCHOR: accept_again
    // 2. A client connects; the same accept() now succeeds.
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (conn, _) = retry(|| listener.accept())?;
    // ANCHOR_END: accept_again
    lab.step("a client connects; accept() again: Ok, a new connection");

    // ANCHOR: recv
    // 3. The accepted socket is blocking (on Linux): make it non-blocking too,
    //    then read with nothing sent yet.
    conn.set_nonblocking(true)?;
    let mut buf = [0u8; 1024];
    let empty = (&conn).read(&mut buf).err();
    // ANCHOR_END: recv
    lab.step("set_nonblocking(true) on the connection; recv(1024) with nothing sent");
    if let Some(err) = &empty {
        lab.say(format!(
            "Err: {:?}, {} (not 0 bytes: 0 would mean the client closed)",
            err.kind(),
            errno(err)
        ));
    }

    // ANCHOR: recv_again
    // 4. The client sends; the same read now returns the bytes.
    client.write_all(b"ping")?;
    let n = retry(|| (&conn).read(&mut buf))?;
    // ANCHOR_END: recv_again
    lab.step(format!(
        "the client sends \"ping\"; recv(1024) again: Ok, {n} bytes {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    lab.elsewhere("macOS: EAGAIN is 35 there, and an accepted socket inherits non-blocking mode from the listener (Linux: it does not). Windows: WSAEWOULDBLOCK (10035). kind() is WouldBlock on all three; Python raises BlockingIOError on all three.");
    Ok(())
}

/// Repeats a non-blocking call while it would block, for at most 1 s: on
/// loopback what was sent is there almost at once, but not necessarily
/// before the next line runs.
fn retry<T>(mut call: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        match call() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}
