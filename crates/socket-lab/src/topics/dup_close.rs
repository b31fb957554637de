//! `dup-close`: closing one handle does not close a connection while another
//! handle to the same socket is open. The FIN goes out when the LAST handle
//! closes. `shutdown(Write)` is different: it acts on the connection itself
//! and sends FIN at once, whatever other handles exist.
//!
//! Rust: `try_clone()` (one more descriptor), or an `Arc<TcpStream>` kept in
//! a map of clients. Python: `sock.dup()`, `os.dup()`, and `sock.makefile()`
//! (the file keeps the socket open until it is closed too).

use std::collections::HashMap;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Lab;

const WAIT: Duration = Duration::from_millis(300);

pub fn run(lab: &mut Lab) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;

    // ANCHOR: clone
    // 1. The server's connection and a clone of it; the original is dropped.
    let mut peer = TcpStream::connect(addr)?;
    let (conn, _) = listener.accept()?;
    let clone = conn.try_clone()?;
    drop(conn);
    let after_drop = peer_reads(lab, &mut peer)?;
    // 2. shutdown(Write) on the clone: FIN now, the clone still exists.
    clone.shutdown(Shutdown::Write)?;
    let after_shutdown = peer_reads(lab, &mut peer)?;
    // ANCHOR_END: clone
    lab.step("server: try_clone() the connection, drop the original");
    lab.say(format!(
        "peer's read -> {after_drop}: no FIN, the clone keeps it open"
    ));
    lab.step("server: shutdown(Write) on the clone (still holding it)");
    lab.say(format!("peer's read -> {after_shutdown}"));
    drop(clone);

    // ANCHOR: arc
    // 3. A map of clients holding an Arc: the handler's drop closes nothing.
    let mut peer = TcpStream::connect(addr)?;
    let (conn, _) = listener.accept()?;
    let conn = Arc::new(conn);
    let mut clients: HashMap<u32, Arc<TcpStream>> = HashMap::new();
    clients.insert(1, Arc::clone(&conn));
    drop(conn);
    let after_drop = peer_reads(lab, &mut peer)?;
    clients.remove(&1);
    let after_remove = peer_reads(lab, &mut peer)?;
    // ANCHOR_END: arc
    lab.step("server: an Arc<TcpStream> kept in a map; the handler drops its Arc");
    lab.say(format!(
        "peer's read -> {after_drop}: the map's Arc keeps it open"
    ));
    lab.step("server: remove the client from the map (the last Arc)");
    lab.say(format!("peer's read -> {after_remove}"));
    lab.elsewhere("the same on macOS and Windows: a socket closes with its last handle (on Windows a duplicate from WSADuplicateSocket counts as a handle too); shutdown acts at once everywhere");
    Ok(())
}

/// The peer's view: one read with a 0.3 s timeout.
fn peer_reads(lab: &Lab, peer: &mut TcpStream) -> std::io::Result<String> {
    peer.set_read_timeout(Some(WAIT))?;
    let started = Instant::now();
    let result = peer.read(&mut [0; 16]);
    let waited = lab.waited(started.elapsed(), WAIT);
    Ok(match result {
        Ok(0) => format!("Ok(0) (EOF) {waited}"),
        Ok(n) => format!("Ok({n}) {waited}"),
        Err(e) => format!("timed out ({:?}) {waited}", e.kind()),
    })
}
