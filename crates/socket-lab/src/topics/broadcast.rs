//! `broadcast`: SO_BROADCAST, the permission to send to a broadcast address.
//!
//! Without it, `sendto` to a broadcast address fails with EACCES before
//! anything leaves the machine: a program must say it means to reach every
//! host on a link. With it, one datagram reaches every socket bound to that
//! port. To stay on this machine, the topic only ever broadcasts on the
//! loopback: Linux gives `lo` (127.0.0.1/8) the broadcast address
//! 127.255.255.255, and 127.0.0.0/8 is never routed off the host.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::process::Command;
use std::time::Duration;

use socket2::{Domain, Socket, Type};

use crate::lab::errno;
use crate::Lab;

const LOOPBACK_BROADCAST: Ipv4Addr = Ipv4Addr::new(127, 255, 255, 255);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: refused
    // 1. Without SO_BROADCAST: sendto a broadcast address fails on this machine.
    let sender = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let everyone = sender.send_to(b"hello?", (Ipv4Addr::BROADCAST, port)).err();
    let loopback = sender.send_to(b"hello?", (LOOPBACK_BROADCAST, port)).err();
    // ANCHOR_END: refused
    lab.step(format!(
        "sendto 255.255.255.255 and 127.255.255.255 without SO_BROADCAST (broadcast() = {})",
        sender.broadcast()?
    ));
    for (what, err) in [("255.255.255.255", everyone), ("127.255.255.255", loopback)] {
        match err {
            Some(err) => lab.say(format!(
                "{what}: {:?}, {}: refused locally, nothing was sent",
                err.kind(),
                errno(&err)
            )),
            None => lab.say(format!(
                "{what}: sent (this system does not ask for SO_BROADCAST)"
            )),
        }
    }

    lab.step("which interfaces have a broadcast address (ip -o -4 addr)");
    match interfaces() {
        Some(list) if !list.is_empty() => {
            for (name, brd) in list {
                lab.machine(format!("{name} has broadcast {brd}: not used, a broadcast there reaches every host on its link"));
            }
        }
        Some(_) => lab.machine("no interface lists a broadcast address"),
        None => lab.machine("no `ip` command to list interfaces"),
    }
    lab.say("this topic broadcasts only on the loopback: 127.255.255.255 never leaves the machine");

    // ANCHOR: receivers
    // 2. Two receivers on the loopback broadcast address, the same port
    //    (SO_REUSEADDR lets both bind it).
    let receivers = match bind_receivers(port) {
        Ok(receivers) => receivers,
        Err(err) => {
            lab.not_here(format!("cannot bind 127.255.255.255 ({err}): this loopback has no broadcast address (Linux has one; macOS and Windows do not)"));
            return Ok(());
        }
    };
    // ANCHOR_END: receivers
    let shown = lab.port(port);
    lab.step(format!(
        "two receivers bind 127.255.255.255:{shown} (SO_REUSEADDR on both)"
    ));

    // ANCHOR: send
    // 3. With SO_BROADCAST: one sendto, and every receiver gets a copy.
    sender.set_broadcast(true)?;
    let sent = sender.send_to(b"hello, everyone", (LOOPBACK_BROADCAST, port))?;
    let mut buf = [0u8; 1024];
    let mut got = Vec::new();
    for receiver in &receivers {
        receiver.set_read_timeout(Some(Duration::from_millis(500)))?;
        got.push(receiver.recv_from(&mut buf));
    }
    // ANCHOR_END: send
    lab.step(format!(
        "set_broadcast(true); sendto 127.255.255.255:{shown}: {sent} bytes sent"
    ));
    for (i, result) in got.into_iter().enumerate() {
        match result {
            Ok((n, from)) => {
                let from = lab.addr(from);
                lab.say(format!("receiver {}: {n} bytes from {from}", i + 1));
            }
            Err(err) => lab.say(format!("receiver {}: nothing ({:?})", i + 1, err.kind())),
        }
    }
    lab.say("one send, two copies: that is a broadcast (a unicast would reach one socket)");

    lab.elsewhere("the refusal without SO_BROADCAST is EACCES on macOS too and WSAEACCES (10013) on Windows. macOS and Windows give the loopback no broadcast address, so the last steps need a real interface there, which reaches other hosts. Python: s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1); std has set_broadcast, no socket2 needed.");
    Ok(())
}

/// Two UDP sockets bound to 127.255.255.255:`port`, both with SO_REUSEADDR
/// (socket2: the option must be set before bind, which std's bind does at once).
fn bind_receivers(port: u16) -> io::Result<Vec<UdpSocket>> {
    let addr = SocketAddr::from((LOOPBACK_BROADCAST, port));
    let mut receivers = Vec::new();
    for _ in 0..2 {
        let socket = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into())?;
        receivers.push(socket.into());
    }
    Ok(receivers)
}

/// (interface, broadcast address) from `ip -o -4 addr`; `None` without `ip`.
fn interfaces() -> Option<Vec<(String, String)>> {
    let out = Command::new("ip")
        .args(["-o", "-4", "addr"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .filter_map(|line| {
                let words: Vec<&str> = line.split_whitespace().collect();
                let brd = words.iter().position(|w| *w == "brd")?;
                Some((words.get(1)?.to_string(), words.get(brd + 1)?.to_string()))
            })
            .collect(),
    )
}
