//! `empty-datagram`: a UDP datagram may carry zero bytes, and receiving one
//! returns `Ok((0, addr))` (Python: `(b"", addr)`). For TCP, zero bytes means
//! the peer closed; UDP has no connection to close, so zero is just a message.
//! TCP's `if not data: break`, copied into a UDP loop, stops on it.

use std::net::UdpSocket;
use std::time::Duration;

use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    receiver.set_read_timeout(Some(Duration::from_millis(300)))?;
    let to = receiver.local_addr()?;
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    let mut buf = [0u8; 1024];

    // ANCHOR: empty
    // 1. send_to an empty slice: a real datagram, with a header and no data.
    let sent = sender.send_to(b"", to)?;
    let (n, from) = receiver.recv_from(&mut buf)?;
    // ANCHOR_END: empty
    lab.step(format!("send_to(b\"\") -> {sent}"));
    let from = lab.addr(from);
    lab.say(format!(
        "recv_from -> Ok(({n}, {from})): a datagram, and a sender"
    ));

    // ANCHOR: wrong
    // 2. The TCP loop copied into UDP code: zero bytes taken for "closed".
    for message in [&b"one"[..], b"", b"two"] {
        sender.send_to(message, to)?;
    }
    let mut got = Vec::new();
    for _ in 0..10 {
        let (n, _) = receiver.recv_from(&mut buf)?;
        if n == 0 {
            break; // wrong for UDP: nobody closed anything
        }
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    // ANCHOR_END: wrong
    lab.step("send b\"one\", b\"\", b\"two\"; a loop that stops when recv_from returns 0");
    lab.say(format!(
        "the loop received {got:?} and stopped at the empty datagram"
    ));
    let (n, _) = receiver.recv_from(&mut buf)?;
    let left = String::from_utf8_lossy(&buf[..n]);
    lab.say(format!("{left:?} was still queued: the loop quit early"));

    // ANCHOR: right
    // 3. A UDP loop ends on its own signal (a message that means "done", a
    //    timeout); an empty datagram is one more message.
    for message in [&b"one"[..], b"", b"two", b"bye"] {
        sender.send_to(message, to)?;
    }
    let mut got = Vec::new();
    for _ in 0..10 {
        let (n, _) = receiver.recv_from(&mut buf)?;
        if &buf[..n] == b"bye" {
            break;
        }
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    // ANCHOR_END: right
    lab.step("the same with a loop that stops on b\"bye\"");
    lab.say(format!("the loop received {got:?}: the empty one included"));
    lab.elsewhere(
        "the same on Windows and macOS: zero-length datagrams are sent and received as they are",
    );
    Ok(())
}
