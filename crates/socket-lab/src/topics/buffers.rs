//! `buffers`: SO_RCVBUF and SO_SNDBUF (socket2: std has no call for them).
//! Linux doubles the value you set (the other half is for its own
//! bookkeeping), clamps it to net.core.rmem_max / wmem_max, and raises tiny
//! values to a minimum. Then: how much a peer that never reads absorbs
//! before a non-blocking sender gets WouldBlock.

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, SockRef, Socket, Type};

use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // 1. The system's ceilings (Linux: /proc/sys/net/core/{r,w}mem_max).
    let rmem_max = read_sysctl("net/core/rmem_max");
    let wmem_max = read_sysctl("net/core/wmem_max");
    lab.step("the ceilings: net.core.rmem_max and net.core.wmem_max");
    match (rmem_max, wmem_max) {
        (Some(r), Some(w)) => {
            lab.machine(format!("net.core.rmem_max = {r}, net.core.wmem_max = {w}"))
        }
        _ => lab.say("not readable here (not Linux): the read-backs below show the system's rule"),
    }

    // ANCHOR: set
    // 2. Set each size and read it back.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    lab.step("set SO_RCVBUF / SO_SNDBUF, read them back (socket2)");
    for size in [1, 4096, 65536, 64 << 20] {
        socket.set_recv_buffer_size(size)?;
        socket.set_send_buffer_size(size)?;
        let (rcv, snd) = (socket.recv_buffer_size()?, socket.send_buffer_size()?);
        let rcv = rule(lab, size, rcv, rmem_max, "rmem_max");
        let snd = rule(lab, size, snd, wmem_max, "wmem_max");
        lab.say(format!("set {size:>8} -> SO_RCVBUF {rcv}; SO_SNDBUF {snd}"));
    }
    // ANCHOR_END: set

    // ANCHOR: absorb
    // 3. A peer that never reads; a non-blocking sender writes until the
    //    kernel has no room. Default sizes first, then 4096 on both ends
    //    (the listener's SO_RCVBUF is inherited by accepted connections).
    for small in [false, true] {
        let listener = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        if small {
            listener.set_recv_buffer_size(4096)?;
        }
        listener.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
        listener.listen(8)?;
        let listener: TcpListener = listener.into();
        let sender = TcpStream::connect(listener.local_addr()?)?;
        let (_never_reads, _) = listener.accept()?;
        if small {
            SockRef::from(&sender).set_send_buffer_size(4096)?;
        }
        sender.set_nonblocking(true)?;
        let queued = fill(&sender)?;
        let shown = if lab.is_transcript() {
            "<n>".to_string()
        } else {
            queued.to_string()
        };
        let which = if small {
            "both set to 4096"
        } else {
            "default sizes (autotuned)"
        };
        lab.step(format!("{which}: WouldBlock after {shown} bytes"));
    }
    // ANCHOR_END: absorb
    lab.say("that is what send() can hand over before the peer reads: the sender's buffer plus the peer's window");
    lab.elsewhere("Windows and macOS read back the value you set (no doubling); macOS refuses sizes over kern.ipc.maxsockbuf (ENOBUFS) instead of clamping. How much a non-reading peer absorbs differs on every system and version");
    Ok(())
}

/// Writes 64 KiB at a time until WouldBlock (at most 10,000 writes).
fn fill(sender: &TcpStream) -> std::io::Result<usize> {
    let chunk = [b'x'; 64 * 1024];
    let mut queued = 0;
    for _ in 0..10_000 {
        match (&*sender).write(&chunk) {
            Ok(n) => queued += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    Ok(queued)
}

/// What Linux did with a size: doubled, clamped to 2 x the ceiling (shown
/// on the `this machine:` line), or raised to a minimum that depends on the
/// kernel's build (`<min>` in transcripts).
fn rule(lab: &Lab, set: usize, got: usize, max: Option<usize>, name: &str) -> String {
    if max.is_some_and(|m| got == 2 * m && set > m) {
        return format!("{got} = 2 x {name} (clamped)");
    }
    if got == 2 * set {
        return format!("{got} (doubled)");
    }
    if got > 2 * set {
        let got = if lab.is_transcript() {
            "<min>".to_string()
        } else {
            got.to_string()
        };
        return format!("{got} (raised to the minimum)");
    }
    format!("{got}")
}

fn read_sysctl(name: &str) -> Option<usize> {
    std::fs::read_to_string(format!("/proc/sys/{name}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}
