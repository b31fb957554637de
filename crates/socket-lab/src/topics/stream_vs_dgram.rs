//! `stream-vs-dgram`: SOCK_STREAM keeps no message boundaries, SOCK_DGRAM
//! keeps every one.
//!
//! Three sends over TCP wait in the receiver's buffer as one run of bytes,
//! and one read takes them all. Three sendto's over UDP are three
//! datagrams, and take three recvfrom's.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use crate::Lab;

const MESSAGES: [&str; 3] = ["one", "two", "three"];

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: stream
    // 1. TCP: three separate sends of 3, 3 and 5 bytes.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (mut conn, _) = listener.accept()?;
    for message in MESSAGES {
        client.write_all(message.as_bytes())?;
    }
    // 2. Wait until all 11 bytes have arrived, then read once.
    wait_until_queued(&conn, 11)?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    // ANCHOR_END: stream
    lab.step("TCP: three send() calls: \"one\", \"two\", \"three\" (3 + 3 + 5 bytes)");
    lab.step(format!(
        "one recv(1024) returns {n} bytes: {:?}",
        String::from_utf8_lossy(&buf[..n])
    ));
    lab.say(
        "the boundaries are gone: a stream is bytes, not messages (a protocol must mark its own)",
    );

    // ANCHOR: dgram
    // 3. UDP: three sendto's of the same three messages.
    let receiver = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let sender = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    for message in MESSAGES {
        sender.send_to(message.as_bytes(), receiver.local_addr()?)?;
    }
    // 4. Each recv_from returns exactly one datagram; a fourth finds nothing.
    receiver.set_read_timeout(Some(Duration::from_millis(200)))?;
    let mut sizes = Vec::new();
    let fourth = loop {
        match receiver.recv_from(&mut buf) {
            Ok((n, _from)) => sizes.push(String::from_utf8_lossy(&buf[..n]).into_owned()),
            Err(err) => break err,
        }
        if sizes.len() > MESSAGES.len() {
            anyhow::bail!("more datagrams arrived than were sent");
        }
    };
    // ANCHOR_END: dgram
    lab.step("UDP: three sendto() calls with the same three messages");
    lab.step(format!(
        "recvfrom(1024) three times: {}",
        sizes
            .iter()
            .map(|s| format!("{s:?} ({} bytes)", s.len()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    lab.say(format!(
        "a fourth recvfrom waits and times out ({:?}): one datagram per send, never merged",
        fourth.kind()
    ));
    lab.elsewhere("the same on macOS and Windows: TCP never keeps boundaries, UDP always does (how a too-small UDP buffer is reported differs: see udp-truncate)");
    Ok(())
}

/// Waits (at most 1 s) until `bytes` bytes wait to be read, so the read
/// below sees all three sends whatever the scheduling. `peek` looks without
/// taking.
fn wait_until_queued(conn: &TcpStream, bytes: usize) -> io::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut buf = [0u8; 64];
    conn.set_read_timeout(Some(Duration::from_millis(100)))?;
    while Instant::now() < deadline {
        match conn.peek(&mut buf) {
            Ok(n) if n >= bytes => return Ok(()),
            Ok(_) => thread::sleep(Duration::from_millis(5)),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        "the bytes did not arrive within 1 s",
    ))
}
