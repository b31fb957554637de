//! `udp-truncate`: a datagram longer than the receive buffer. On Linux the
//! call returns the first `bufsize` bytes and the rest is discarded; the next
//! receive gets the next datagram. Peeking with MSG_TRUNC (socket2: std has
//! no flags argument) tells the real size first.

use std::mem::MaybeUninit;
use std::net::UdpSocket;
use std::time::Duration;

use socket2::{MaybeUninitSlice, SockRef};

use crate::Lab;

/// Linux's flag values (std has no flags argument, socket2 takes raw ones).
#[cfg(target_os = "linux")]
const MSG_PEEK: i32 = 0x2;
#[cfg(target_os = "linux")]
const MSG_TRUNC: i32 = 0x20;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    receiver.set_read_timeout(Some(Duration::from_secs(1)))?;
    let to = receiver.local_addr()?;
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    let big = [b'A'; 3000];
    let mut buf = [0u8; 1024];

    // ANCHOR: truncate
    // 1. A 3000-byte datagram, then a 4-byte one; recvfrom(1024) twice.
    sender.send_to(&big, to)?;
    sender.send_to(b"next", to)?;
    let (n, _) = receiver.recv_from(&mut buf)?;
    let (next, _) = receiver.recv_from(&mut buf)?;
    // ANCHOR_END: truncate
    lab.step("send_to(3000 bytes), send_to(b\"next\"), then recv_from(1024) twice");
    lab.say(format!(
        "first -> {n} bytes: the other {} are gone",
        big.len() - n
    ));
    let text = String::from_utf8_lossy(&buf[..next]);
    lab.say(format!(
        "second -> {next} bytes {text:?}: the next datagram, not the rest"
    ));

    // 2. Peeking with a small buffer is truncated the same way.
    sender.send_to(&big, to)?;
    let (peeked, _) = receiver.peek_from(&mut [0u8; 16])?;
    lab.step(format!(
        "send_to(3000 bytes), peek_from(16 bytes) -> {peeked}"
    ));
    lab.say("peek leaves the datagram queued, but its count says nothing about the size");

    // 3. MSG_PEEK | MSG_TRUNC (Linux): the real length, then a buffer that fits.
    #[cfg(target_os = "linux")]
    {
        let real = real_size(&receiver)?;
        let mut fits = vec![0u8; real];
        let (n, _) = receiver.recv_from(&mut fits)?;
        lab.step(format!(
            "socket2 recv_with_flags(16 bytes, MSG_PEEK | MSG_TRUNC) -> {real}"
        ));
        lab.say(format!(
            "the real size; recv_from into {real} bytes -> {n}: whole"
        ));
    }
    #[cfg(not(target_os = "linux"))]
    {
        receiver.recv_from(&mut buf)?;
        lab.step("MSG_PEEK | MSG_TRUNC: returns the real size on Linux only (skipped here)");
    }

    // ANCHOR: flags
    // 4. recvmsg reports the truncation in msg_flags (socket2:
    //    recv_from_vectored returns RecvFlags).
    sender.send_to(&big, to)?;
    let mut space = [MaybeUninit::<u8>::uninit(); 1024];
    let (n, flags, _) =
        SockRef::from(&receiver).recv_from_vectored(&mut [MaybeUninitSlice::new(&mut space)])?;
    // ANCHOR_END: flags
    lab.step(format!(
        "recvmsg into 1024 bytes (socket2 recv_from_vectored) -> {n}"
    ));
    lab.say(format!(
        "RecvFlags::is_truncated() = {}: MSG_TRUNC in msg_flags",
        flags.is_truncated()
    ));
    lab.say("size the buffer for the largest datagram you accept (65507 bytes for IPv4)");
    lab.elsewhere("Windows: recvfrom into a too-small buffer fails with WSAEMSGSIZE (10040): Rust gets Err, Python raises OSError; the buffer holds the first part, the rest is lost. macOS truncates like Linux and sets MSG_TRUNC in msg_flags, but MSG_TRUNC passed in does not return the real size there");
    Ok(())
}

// ANCHOR: msg_trunc
/// With MSG_TRUNC, Linux returns the datagram's real length whatever the
/// buffer; with MSG_PEEK it stays queued for the real receive.
#[cfg(target_os = "linux")]
fn real_size(socket: &UdpSocket) -> std::io::Result<usize> {
    let mut tiny = [MaybeUninit::<u8>::uninit(); 16];
    SockRef::from(socket).recv_with_flags(&mut tiny, MSG_PEEK | MSG_TRUNC)
}
// ANCHOR_END: msg_trunc
