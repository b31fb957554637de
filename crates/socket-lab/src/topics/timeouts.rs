//! `timeouts`: `settimeout()` in Python is one number for every call; std
//! has one per direction plus one for connecting, and each reports its
//! timeout its own way.
//!
//! Something that really does not answer, locally and fast: a listener
//! whose accept queue is full (listen(0) holds one connection on Linux, and
//! it never accepts). A second client's SYN is dropped, so its connect
//! times out; the first client is connected but nobody reads or writes on
//! the other end, so its reads and, once the buffers fill, its writes time
//! out too.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, SockRef, Socket, Type};

use crate::lab::errno;
use crate::Lab;

const LIMIT: Duration = Duration::from_millis(300);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // 1. A listener that never accepts, with room for one connection; one client fills it.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // A small receive buffer (inherited by its connections) fills fast.
    socket.set_recv_buffer_size(4096)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    socket.listen(0)?;
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr()?;
    let mut first = TcpStream::connect_timeout(&addr, LIMIT)?;
    let shown = lab.addr(addr);
    lab.step(format!(
        "listen(0) on {shown}, never accept(); one client fills the queue"
    ));

    // ANCHOR: connect
    // 2. connect with a limit: the SYN is dropped, nothing answers.
    let started = Instant::now();
    let connect = TcpStream::connect_timeout(&addr, LIMIT);
    // ANCHOR_END: connect
    lab.step("connect_timeout(0.3 s) for a second client");
    report(lab, connect.map(|_| 0), started);

    // ANCHOR: read
    // 3. A read timeout: the first client reads, nobody sends.
    first.set_read_timeout(Some(LIMIT))?;
    let mut buf = [0u8; 1024];
    let started = Instant::now();
    let read = first.read(&mut buf);
    // ANCHOR_END: read
    lab.step("set_read_timeout(0.3 s), read with nothing sent");
    report(lab, read, started);

    // ANCHOR: write
    // 4. A write timeout: fill the buffers on both ends (quickly, without
    //    waiting), then one more write has to wait for room that never comes.
    SockRef::from(&first).set_send_buffer_size(16 * 1024)?;
    first.set_nonblocking(true)?;
    let chunk = vec![0u8; 64 * 1024];
    let mut sent = 0usize;
    while let Ok(n) = first.write(&chunk) {
        sent += n;
        if sent > 64 << 20 {
            anyhow::bail!("64 MiB went through and nobody reads: the write never blocked");
        }
    }
    first.set_nonblocking(false)?;
    first.set_write_timeout(Some(LIMIT))?;
    // What the receiver takes in late (window updates) lets a write or two
    // through; the first write that finds no room at all times out.
    let (write, started) = loop {
        let started = Instant::now();
        match first.write(&chunk) {
            Ok(n) if sent < 64 << 20 => sent += n,
            other => break (other, started),
        }
    };
    // ANCHOR_END: write
    let amount = if lab.is_transcript() {
        "a few buffers' worth of".to_string()
    } else {
        format!("{sent}")
    };
    lab.step(format!(
        "set_write_timeout(0.3 s); {amount} bytes fill the buffers; write 64 KiB more"
    ));
    report(lab, write, started);

    lab.elsewhere("Windows reports a read or write timeout as TimedOut (WSAETIMEDOUT, 10060), Unix as WouldBlock (EAGAIN: 11 on Linux, 35 on macOS): std's documentation warns of exactly this. A refused or unanswered connect on Windows also takes longer (it resends the SYN). Python hides the difference: every timeout raises TimeoutError (socket.timeout).");
    Ok(())
}

/// How a call with a 0.3 s limit ended, and after how long.
fn report(lab: &mut Lab, result: std::io::Result<usize>, started: Instant) {
    let waited = lab.waited(started.elapsed(), LIMIT);
    match result {
        Err(err) => lab.say(format!(
            "Err {waited}: kind {:?}, {}",
            err.kind(),
            errno(&err)
        )),
        Ok(n) => lab.say(format!("Ok({n}) {waited}: it did not time out")),
    }
}
