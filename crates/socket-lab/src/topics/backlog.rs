//! `backlog`: what the number in `listen(5)` bounds.
//!
//! Not the number of clients: the number of connections that finished the
//! handshake and wait for `accept()`. A server that never accepts shows it.
//! On Linux the queue holds backlog + 1; a client beyond that is neither
//! accepted nor refused: its SYN is dropped, and its connect() would retry
//! for about two minutes. std's `TcpListener::bind` picks the backlog itself
//! (128); socket2's `listen(n)` chooses it.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

use crate::Lab;

const BACKLOG: i32 = 2;
const TIMEOUT: Duration = Duration::from_millis(300);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: listen
    // 1. socket + bind + listen(2) with socket2; this server never calls accept().
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    socket.listen(BACKLOG)?;
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr()?;
    // ANCHOR_END: listen
    let shown = lab.addr(addr);
    lab.step(format!("listen({BACKLOG}) on {shown}, and never accept()"));
    if let Some(max) = sysctl("net/core/somaxconn") {
        lab.machine(format!("net.core.somaxconn = {max}"));
        lab.say(format!(
            "listen(n) is capped at net.core.somaxconn ({max}): a bigger n is quietly lowered"
        ));
    }

    // ANCHOR: fill
    // 2. Connect clients one at a time, each with a 0.3 s limit, until one does not get through.
    let mut clients: Vec<TcpStream> = Vec::new();
    let stuck = loop {
        let started = Instant::now();
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(client) => {
                clients.push(client);
                lab.step(format!(
                    "client {}: connected {}",
                    clients.len(),
                    lab.waited(started.elapsed(), TIMEOUT)
                ));
            }
            Err(err) => break (err, started.elapsed()),
        }
        if clients.len() > 10 {
            anyhow::bail!("more than 10 clients got in: the backlog did not bound the queue");
        }
    };
    // ANCHOR_END: fill
    let (err, took) = stuck;
    lab.step(format!(
        "client {}: {:?} {} ({})",
        clients.len() + 1,
        err.kind(),
        lab.waited(took, TIMEOUT),
        err
    ));
    lab.say(format!(
        "{} connections wait in the queue of listen({BACKLOG}): Linux queues backlog + 1",
        clients.len()
    ));
    lab.say("the queue is full, so this client's SYN was dropped: not refused, just no answer");
    if let Some(retries) = sysctl("net/ipv4/tcp_syn_retries").and_then(|r| r.parse::<u32>().ok()) {
        // The first resend comes after 1 s, and each wait doubles.
        let total = (1u64 << (retries + 1).min(40)) - 1;
        lab.say(format!(
            "without a timeout, connect() would resend the SYN net.ipv4.tcp_syn_retries = {retries} times, giving up after about {total} s, and get in as soon as the server accepts"
        ));
    }

    // ANCHOR: accept
    // 3. accept() one: a place in the queue frees up, and the next client gets in at once.
    let (_first, _) = listener.accept()?;
    let started = Instant::now();
    let late = TcpStream::connect_timeout(&addr, TIMEOUT);
    // ANCHOR_END: accept
    lab.step(format!(
        "accept() one, connect again: {}",
        match late {
            Ok(_) => format!("connected {}", lab.waited(started.elapsed(), TIMEOUT)),
            Err(err) => format!("{:?}", err.kind()),
        }
    ));
    lab.say("so listen(5) does not mean \"five clients\": it bounds connections not yet accepted (6 on Linux); those over it wait, they are not refused");
    lab.elsewhere("macOS (BSD) also ignores SYNs beyond its queue, though it sizes the queue its own way (historically up to 1.5 x the backlog; kern.ipc.somaxconn, 128 by default, caps it). Windows refuses them instead: the client gets WSAECONNREFUSED (10061) at once. Python: s.listen(2) is the same call; listen() without a number uses min(128, SOMAXCONN).");
    Ok(())
}

/// A value from /proc/sys (Linux), e.g. `net/core/somaxconn`.
fn sysctl(name: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/sys/{name}"))
        .ok()
        .map(|v| v.trim().to_string())
}
