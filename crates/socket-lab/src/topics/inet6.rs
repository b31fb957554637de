//! `inet6`: AF_INET6 on ::1, and one listener on `::` for both families.
//!
//! A dual-stack listener (IPV6_V6ONLY off) on `::` also accepts IPv4
//! clients; it sees them as IPv4-mapped IPv6 addresses, `::ffff:127.0.0.1`.
//! Whether a listener is dual-stack by default depends on the system, and
//! std cannot choose: the option must be set between `socket()` and
//! `bind()`, and std's `TcpListener::bind` does both at once. socket2 can.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Socket, Type};

use crate::lab::errno;
use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: loopback
    // 1. AF_INET6 on the IPv6 loopback, ::1.
    let listener = match TcpListener::bind((Ipv6Addr::LOCALHOST, 0)) {
        Ok(listener) => listener,
        Err(err) => {
            lab.not_here(format!(
                "no IPv6 loopback (bind [::1]:0 failed: {err}); nothing to show"
            ));
            return Ok(());
        }
    };
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (_conn, peer) = listener.accept()?;
    // ANCHOR_END: loopback
    let (server, from) = (lab.addr(listener.local_addr()?), lab.addr(peer));
    lab.step(format!(
        "bind [::1]:0 and listen -> {server}; connect; accept sees {from}"
    ));
    lab.say(format!(
        "Rust: SocketAddr::V6 {{ ip, port, flowinfo: {}, scope_id: {} }}; Python: a 4-tuple (host, port, flowinfo, scope_id)",
        v6(client.local_addr()?).0,
        v6(client.local_addr()?).1
    ));
    drop((client, listener));

    // ANCHOR: default
    // 2. What this system does when nobody chooses: a fresh AF_INET6 socket's IPV6_V6ONLY.
    let probe = Socket::new(Domain::IPV6, Type::STREAM, None)?;
    let default_v6only = probe.only_v6()?;
    // ANCHOR_END: default
    lab.step(format!(
        "a new AF_INET6 socket here has IPV6_V6ONLY = {default_v6only}"
    ));
    if let Ok(text) = std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only") {
        lab.say(format!(
            "the default comes from net.ipv6.bindv6only = {}",
            text.trim()
        ));
    }
    lab.say("std's TcpListener::bind(\"[::]:port\") keeps this default; it cannot change it");

    // ANCHOR: dual
    // 3. A dual-stack listener on `::` (socket2: the option goes between socket() and bind()).
    let dual = Socket::new(Domain::IPV6, Type::STREAM, None)?;
    dual.set_only_v6(false)?;
    dual.bind(&SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)).into())?;
    dual.listen(8)?;
    let dual: TcpListener = dual.into();
    let port = dual.local_addr()?.port();
    let v4_client = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    let (_conn, peer) = dual.accept()?;
    // ANCHOR_END: dual
    let (listening, client_addr, seen) = (
        lab.addr(dual.local_addr()?),
        lab.addr(v4_client.local_addr()?),
        lab.addr(peer),
    );
    lab.step(format!(
        "set_only_v6(false), bind {listening}: an IPv4 client connects to 127.0.0.1"
    ));
    lab.say(format!(
        "the client is {client_addr}; accept() sees it as {seen}"
    ));
    lab.say(format!(
        "an IPv4-mapped address: ip().to_canonical() = {}",
        peer.ip().to_canonical()
    ));
    drop((v4_client, dual));

    // ANCHOR: v6only
    // 4. The same with IPV6_V6ONLY on: the listener is IPv6 only, an IPv4 client is refused.
    let only = Socket::new(Domain::IPV6, Type::STREAM, None)?;
    only.set_only_v6(true)?;
    only.bind(&SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)).into())?;
    only.listen(8)?;
    let only: TcpListener = only.into();
    let port = only.local_addr()?.port();
    let refused = TcpStream::connect((Ipv4Addr::LOCALHOST, port));
    // ANCHOR_END: v6only
    let listening = lab.addr(only.local_addr()?);
    lab.step(format!(
        "set_only_v6(true), bind {listening}: an IPv4 client connects to 127.0.0.1"
    ));
    match refused {
        Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => lab.say(format!(
            "refused: {:?}, {}: nothing listens on that port for IPv4",
            err.kind(),
            errno(&err)
        )),
        Err(err) => lab.say(format!("failed: {err}")),
        Ok(_) => lab.say("connected: some IPv4 socket holds that port too"),
    }
    let v6_client = TcpStream::connect((Ipv6Addr::LOCALHOST, port));
    lab.say(format!(
        "an IPv6 client to [::1] on the same port: {}",
        if v6_client.is_ok() {
            "connected"
        } else {
            "failed"
        }
    ));

    lab.elsewhere("Windows creates AF_INET6 sockets with IPV6_V6ONLY on: a `::` listener there is IPv6 only unless you call set_only_v6(false); macOS defaults to off like Linux (sysctl net.inet6.ip6.v6only); OpenBSD cannot turn it off. Python's socket.create_server(addr, family=AF_INET6, dualstack_ipv6=True) turns it off for you.");
    Ok(())
}

/// flowinfo and scope_id of an IPv6 address (0 and 0 on ::1).
fn v6(addr: SocketAddr) -> (u32, u32) {
    match addr {
        SocketAddr::V6(a) => (a.flowinfo(), a.scope_id()),
        SocketAddr::V4(_) => (0, 0),
    }
}
