//! `udp-unreachable`: sending to a UDP port nobody listens on. The peer's
//! system answers with an ICMP "port unreachable". On Linux an unconnected
//! socket never hears of it; a connected one gets ECONNREFUSED on its next
//! call (recv or send), once per ICMP message.

use std::net::UdpSocket;
use std::thread;
use std::time::{Duration, Instant};

use crate::lab::errno;
use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // 1. A port nobody listens on: bind port 0, note the port, close.
    let dead = UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    let shown = lab.addr(dead);
    lab.step(format!("a UDP port nobody listens on: {shown}"));
    let timeout = Duration::from_millis(300);
    let mut buf = [0u8; 1024];

    // ANCHOR: unconnected
    // 2. Unconnected: send_to succeeds (it only hands the datagram to the
    //    system), and the ICMP answer is dropped: recv_from hears nothing.
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.set_read_timeout(Some(timeout))?;
    let first = socket.send_to(b"anyone?", dead);
    let second = socket.send_to(b"anyone?", dead);
    let started = Instant::now();
    let answer = socket.recv_from(&mut buf).map(|(n, _)| n);
    // ANCHOR_END: unconnected
    lab.step("unconnected socket: send_to twice, then recv_from (0.3 s timeout)");
    lab.say(format!(
        "send_to -> {}, then {}",
        outcome(&first),
        outcome(&second)
    ));
    let waited = lab.waited(started.elapsed(), timeout);
    lab.say(format!(
        "recv_from -> {} {waited}: the ICMP was ignored",
        outcome(&answer)
    ));

    // ANCHOR: connected
    // 3. Connected (connect() only records the peer: no packet is sent):
    //    the ICMP error is kept for the socket's next call.
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.set_read_timeout(Some(timeout))?;
    socket.connect(dead)?;
    let sent = socket.send(b"anyone?");
    let answer = socket.recv(&mut buf);
    // ANCHOR_END: connected
    lab.step("connected socket: send, then recv");
    lab.say(format!("send -> {}", outcome(&sent)));
    lab.say(format!(
        "recv -> {}: the refusal, reported late",
        outcome(&answer)
    ));

    // 4. The error goes to whichever call comes next, even a send.
    let sent = socket.send(b"anyone?");
    thread::sleep(Duration::from_millis(50));
    let again = socket.send(b"anyone?");
    let started = Instant::now();
    let answer = socket.recv(&mut buf);
    lab.step("send, wait 50 ms, send again, then recv");
    lab.say(format!(
        "send -> {}, then {}",
        outcome(&sent),
        outcome(&again)
    ));
    let waited = lab.waited(started.elapsed(), timeout);
    lab.say(format!(
        "recv -> {} {waited}: each error is reported once",
        outcome(&answer)
    ));
    lab.elsewhere("Windows reports the ICMP even on an unconnected socket: the next recvfrom fails with WSAECONNRESET (10054; Python: ConnectionResetError) unless SIO_UDP_CONNRESET is switched off. macOS behaves like Linux. On any system the ICMP may be lost or filtered: silence proves nothing");
    Ok(())
}

/// `Ok(7)` or `Err(errno 111 (ECONNREFUSED))`, `Err(timed out)`.
fn outcome(result: &std::io::Result<usize>) -> String {
    match result {
        Ok(n) => format!("Ok({n})"),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            "Err(timed out)".into()
        }
        Err(e) => format!("Err({})", errno(e)),
    }
}
