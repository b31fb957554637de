//! `send-vs-sendall`: `send` (Rust: `write`) may queue fewer bytes than
//! asked; `sendall` (`write_all`) calls it until every byte is queued.
//!
//! A short count comes with a non-blocking socket, a send timeout
//! (SO_SNDTIMEO) or a signal. A plain blocking send does not return short on
//! Linux: it waits until the whole buffer is queued, however big.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::SockRef;

use crate::Lab;

const MIB: usize = 1 << 20;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;

    // ANCHOR: partial
    // 1. A connection whose receiving end never reads; the sender gets a
    //    small send buffer (SO_SNDBUF: socket2, std has no call) and
    //    non-blocking mode.
    let sender = TcpStream::connect(addr)?;
    let (_never_reads, _) = listener.accept()?;
    SockRef::from(&sender).set_send_buffer_size(4096)?;
    sender.set_nonblocking(true)?;
    let data = vec![b'x'; MIB];
    // 2. One write of 1 MiB: it queues what fits and returns that count.
    let first = (&sender).write(&data)?;
    // ANCHOR_END: partial
    lab.step("non-blocking sender, SO_SNDBUF 4096 (socket2), a peer that never reads");
    let shown = count(lab, first);
    lab.step(format!(
        "write(1 MiB) once -> {shown}: {}",
        short(first, MIB)
    ));
    lab.say("the bytes not counted were never sent: the caller must send them again");

    // 3. Write again until the kernel has no room left.
    lab.step("write again until it fails");
    let mut queued = first;
    for _ in 0..1000 {
        match (&sender).write(&data) {
            Ok(n) => queued += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                let total = count(lab, queued);
                lab.say(format!(
                    "Err(WouldBlock) after {total} queued in all: both buffers are full"
                ));
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }

    // ANCHOR: blocking
    // 4. Blocking (the default), a reader that takes 64 KiB every 1 ms:
    //    one write of 8 MiB waits until all of it is queued.
    let sender = TcpStream::connect(addr)?;
    let (slow, _) = listener.accept()?;
    let reader = thread::spawn(move || read_slowly(slow));
    let big = vec![b'y'; 8 * MIB];
    let started = Instant::now();
    let n = (&sender).write(&big)?;
    // ANCHOR_END: blocking
    // How long it waited depends on the machine's load: shown outside
    // transcripts only. The count is the lesson.
    let took = match lab.is_transcript() {
        true => String::new(),
        false => format!(" ({})", lab.took(started.elapsed())),
    };
    lab.step(format!(
        "blocking write(8 MiB) to a slow reader -> {n}{took}"
    ));
    lab.say(format!(
        "{}: a blocking send waits for room",
        short(n, 8 * MIB)
    ));
    drop(sender);
    let got = reader
        .join()
        .map_err(|_| anyhow::anyhow!("reader thread panicked"))??;
    lab.say(format!("the reader received {got} bytes"));

    // ANCHOR: timeout
    // 5. A send timeout (SO_SNDTIMEO; std: set_write_timeout) and a peer
    //    that never reads: write returns what it queued before the timeout.
    let sender = TcpStream::connect(addr)?;
    let (_never_reads, _) = listener.accept()?;
    sender.set_write_timeout(Some(Duration::from_millis(200)))?;
    let started = Instant::now();
    let n = (&sender).write(&big)?;
    // ANCHOR_END: timeout
    let took = lab.waited(started.elapsed(), Duration::from_millis(200));
    let shown = count(lab, n);
    lab.step(format!(
        "write(8 MiB) with a 200 ms write timeout -> {shown} ({took})"
    ));
    lab.say(format!("{}: the timeout ended the wait", short(n, 8 * MIB)));

    lab.step("write_all (Python: sendall) is the loop that handles short counts");
    lab.say("while sent < len: sent += write(&data[sent..])?  (retrying on Interrupted)");
    lab.say("after an error, how much was sent is unknown: treat the connection as broken");
    lab.elsewhere("Windows and macOS queue and return short the same way (non-blocking, timeouts); on Windows a blocking send also waits for all of it. Python's sendall with settimeout() raises TimeoutError and does not say how much went out");
    Ok(())
}

/// Reads in 64 KiB steps with a pause, until the sender closes; 2 s at most.
fn read_slowly(mut conn: TcpStream) -> std::io::Result<usize> {
    conn.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut buf = vec![0; 64 * 1024];
    let mut total = 0;
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
        thread::sleep(Duration::from_millis(1));
    }
}

fn short(n: usize, asked: usize) -> &'static str {
    if n < asked {
        "fewer than asked"
    } else {
        "all of it"
    }
}

/// A byte count that depends on this kernel's buffer sizes: `<n>` in
/// transcripts, which must read the same on every machine.
fn count(lab: &Lab, n: usize) -> String {
    if lab.is_transcript() {
        "<n> bytes".into()
    } else {
        format!("{n} bytes")
    }
}
