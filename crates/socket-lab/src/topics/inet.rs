//! `inet`: an AF_INET (IPv4) TCP connection on 127.0.0.1, and the addresses
//! each end reports.
//!
//! Python: `socket.socket(socket.AF_INET, socket.SOCK_STREAM)`; Rust's
//! `TcpListener::bind` / `TcpStream::connect` pick the family from the
//! address: an IPv4 address makes an AF_INET socket.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};

use crate::Lab;

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    // ANCHOR: bind
    // 1. socket(AF_INET, SOCK_STREAM) + bind(("127.0.0.1", 0)) + listen():
    //    port 0 asks the system for a free port; getsockname says which.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let server_addr = listener.local_addr()?;
    // ANCHOR_END: bind
    let shown = lab.addr(server_addr);
    lab.step(format!(
        "bind 127.0.0.1:0 and listen -> getsockname() = {shown}"
    ));
    lab.say("port 0 asked the system for a free (ephemeral) port");

    // ANCHOR: connect
    // 2. connect: the client's own address is picked by the system too.
    let client = TcpStream::connect(server_addr)?;
    let (conn, seen_from) = listener.accept()?;
    // ANCHOR_END: connect
    let shown = lab.addr(server_addr);
    lab.step(format!("connect to {shown}, accept"));

    // ANCHOR: names
    // 3. Each end names itself (getsockname) and the other end (getpeername).
    let client_local = client.local_addr()?;
    let client_peer = client.peer_addr()?;
    let server_local = conn.local_addr()?;
    let server_peer = conn.peer_addr()?;
    // ANCHOR_END: names
    let (cl, cp, sl, sp) = (
        lab.addr(client_local),
        lab.addr(client_peer),
        lab.addr(server_local),
        lab.addr(server_peer),
    );
    lab.step("getsockname / getpeername on both ends");
    lab.say(format!("client: sockname {cl}  peername {cp}"));
    lab.say(format!("server: sockname {sl}  peername {sp}"));
    let accepted = lab.addr(seen_from);
    lab.say(format!("accept() returned the same peer: {accepted}"));

    lab.step("what an AF_INET address is");
    let family = match client_local {
        SocketAddr::V4(_) => "V4",
        SocketAddr::V6(_) => "V6",
    };
    lab.say(format!(
        "Rust: SocketAddr::{family} (ip, port); Python: a tuple ('127.0.0.1', port)"
    ));
    lab.say("the listening port is reused for every connection: the client side got its own port");

    lab.elsewhere("the same calls and address form on macOS and Windows; Linux answers on all of 127.0.0.0/8 (127.0.0.2 works too), macOS only on 127.0.0.1 unless more addresses are added to lo0");
    Ok(())
}
