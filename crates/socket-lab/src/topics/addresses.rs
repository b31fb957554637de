//! `addresses`: who is who on a socket: sendto/recvfrom name the other end
//! per datagram, getsockname/getpeername name the two ends of a socket, and
//! fileno is the number the operating system knows the socket by.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use socket2::{Domain, Socket, Type};

use crate::lab::errno;
use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: sendto
    // 1. Two UDP sockets; sendto names the destination, recvfrom reports the sender.
    let a = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let b = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    b.set_read_timeout(Some(std::time::Duration::from_secs(1)))?;
    let sent = a.send_to(b"hello", b.local_addr()?)?;
    let mut buf = [0u8; 1024];
    let (n, from) = b.recv_from(&mut buf)?;
    // ANCHOR_END: sendto
    let (a_addr, b_addr, from_shown) = (
        lab.addr(a.local_addr()?),
        lab.addr(b.local_addr()?),
        lab.addr(from),
    );
    lab.step(format!(
        "a = {a_addr}, b = {b_addr}: a.sendto(b\"hello\", b) returned {sent}"
    ));
    lab.say(format!(
        "b.recvfrom(1024) -> ({n} bytes, {from_shown}): the sender is a's getsockname()"
    ));

    // ANCHOR: peer
    // 2. getpeername on an unconnected UDP socket: there is no peer.
    let no_peer = a.peer_addr().err();
    // 3. connect() a UDP socket: it only records the peer (nothing is sent).
    a.connect(b.local_addr()?)?;
    let peer = a.peer_addr()?;
    // ANCHOR_END: peer
    lab.step("a.getpeername() before connect()");
    if let Some(err) = &no_peer {
        lab.say(format!("Err: {:?}, {}", err.kind(), errno(err)));
    }
    let peer = lab.addr(peer);
    lab.step(format!(
        "a.connect(b), then a.getpeername() = {peer}; a.send() needs no address now"
    ));

    // ANCHOR: implicit
    // 4. A socket that never called bind(): socket2 can make one, std cannot.
    let fresh = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
    let before = fresh.local_addr()?.as_socket();
    fresh.send_to(b"hi", &b.local_addr()?.into())?;
    let after = fresh.local_addr()?.as_socket();
    // ANCHOR_END: implicit
    let (before, after) = (show(lab, before), show(lab, after));
    lab.step(format!(
        "an unbound UDP socket (socket2): getsockname() = {before}"
    ));
    lab.say(format!(
        "after its first sendto: {after}: the system bound it to a free port"
    ));
    lab.say("std has no unbound socket: UdpSocket::bind is the only way to make one");
    let _ = b.recv_from(&mut buf);

    // ANCHOR: fileno
    // 5. fileno(): the operating system's number for the socket.
    #[cfg(unix)]
    let numbers = {
        use std::os::fd::AsRawFd;
        (a.as_raw_fd(), b.as_raw_fd())
    };
    #[cfg(windows)]
    let numbers = {
        use std::os::windows::io::AsRawSocket;
        (a.as_raw_socket(), b.as_raw_socket())
    };
    // ANCHOR_END: fileno
    let shown = if lab.is_transcript() {
        "<fd>, <fd>".to_string()
    } else {
        format!("{}, {}", numbers.0, numbers.1)
    };
    lab.step(format!(
        "a.as_raw_fd(), b.as_raw_fd() = {shown}: small integers, like any open file's"
    ));
    lab.say("borrowed, not owned: the socket still closes when its value is dropped");
    fd_reuse(lab)?;

    lab.elsewhere("Windows: fileno()/as_raw_socket() is a SOCKET handle, not a small file number (Python's fileno() returns it too), and getpeername on an unconnected socket fails with WSAENOTCONN (10057); macOS: ENOTCONN is 57. An unbound socket's getsockname() is 0.0.0.0:0 on Linux and macOS; Windows fails it with WSAEINVAL.");
    Ok(())
}

fn show(lab: &mut Lab, addr: Option<SocketAddr>) -> String {
    match addr {
        // Port 0 means "not bound": show it as is.
        Some(a) if a.port() == 0 => a.to_string(),
        Some(a) => lab.addr(a),
        None => "no IP address".into(),
    }
}

/// A closed socket's number is free again: the next socket gets it.
fn fd_reuse(lab: &mut Lab) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let first = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        let number = first.as_raw_fd();
        drop(first);
        let second = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        lab.step(format!(
            "close a socket, open another: same number again: {}",
            second.as_raw_fd() == number
        ));
        lab.say("so a number kept after close() may name a different socket: never use it then");
    }
    #[cfg(not(unix))]
    let _ = lab;
    Ok(())
}
