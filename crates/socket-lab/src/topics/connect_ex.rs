//! `connect-ex`: connecting to a port nobody listens on, and to a host that
//! does not exist.
//!
//! Python's `connect()` raises `ConnectionRefusedError`; `connect_ex()`
//! returns the error number instead (111 on Linux). Rust has one `connect`
//! returning `io::Result`: the error carries a portable `kind()` and the
//! system's number, `raw_os_error()`. A name that does not resolve is
//! another matter: `connect_ex` still raises (`socket.gaierror`), and in
//! Rust the error comes from resolving, before any socket exists.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::lab::errno;
use crate::Lab;

/// A name that can never resolve: `.invalid` is reserved for that (RFC 6761).
const NO_SUCH_HOST: &str = "no-such-host.invalid";
const LOOKUP_LIMIT: Duration = Duration::from_millis(1500);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // 1. Find a port nobody listens on: bind port 0, note the port, close.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let shown = lab.addr(addr);
    lab.step(format!(
        "a closed port: bind 127.0.0.1:0, note the port, close: {shown}"
    ));

    // ANCHOR: refused
    // 2. connect: the other side answers the SYN with a reset.
    let started = Instant::now();
    let result = TcpStream::connect(addr);
    let took = started.elapsed();
    // ANCHOR_END: refused
    match result {
        Ok(_) => anyhow::bail!("something listens on {addr} now; run the topic again"),
        Err(err) => {
            lab.step(format!("connect({shown}) {}", lab.took(took)));
            lab.say(format!(
                "err.kind() = {:?}  (portable: the same on every system)",
                err.kind()
            ));
            lab.say(format!(
                "err.raw_os_error() = {:?}  {} (the system's own number)",
                err.raw_os_error(),
                errno(&err)
            ));
            lab.say(format!("Display: {err}"));
            lab.say("Python: connect() raises ConnectionRefusedError; connect_ex() returns this number instead");
        }
    }

    // ANCHOR: unknown
    // 3. A name that does not resolve: the lookup fails before any socket exists.
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    // getaddrinfo cannot be cancelled: ask on a thread, wait a bounded time.
    thread::spawn(move || {
        let _ = tx.send(
            (NO_SUCH_HOST, 80)
                .to_socket_addrs()
                .map(|found| found.count()),
        );
    });
    let lookup = rx.recv_timeout(LOOKUP_LIMIT);
    // ANCHOR_END: unknown
    lab.step(format!(
        "connect((\"{NO_SUCH_HOST}\", 80)): resolve the name first"
    ));
    match lookup {
        Ok(Err(err)) => {
            lab.say(format!(
                "to_socket_addrs() failed {}: kind {:?}, raw_os_error {:?}",
                lab.took(started.elapsed()),
                err.kind(),
                err.raw_os_error()
            ));
            // The resolver's words differ online ("Name or service not
            // known") and offline ("Temporary failure in name resolution").
            lab.machine(format!("the resolver says: {err}"));
            lab.say("no socket was made, so there is no errno for connect_ex to return: Python raises socket.gaierror even from connect_ex()");
        }
        Ok(Ok(count)) => lab.say(format!("resolved to {count} addresses: this resolver answers for .invalid (it should not)")),
        Err(_) => lab.say(format!(
            "no answer within {} s: no name server reachable (offline); Python's connect_ex would wait as long",
            LOOKUP_LIMIT.as_secs_f32()
        )),
    }
    lab.elsewhere("the same refusal is ECONNREFUSED 61 on macOS and WSAECONNREFUSED 10061 on Windows (seed 003's number); kind() is ConnectionRefused on all three. Windows also retries a refused connect internally, so it takes about 2 s there instead of at once.");
    Ok(())
}
