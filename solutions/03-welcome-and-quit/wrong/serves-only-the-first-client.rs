// Returns after the first client instead of serving `clients` clients one after the other.
//! Exercise 3: a server that greets its clients and lets them leave with `q`.
//!
//! Read first: book/src/lessons/tcp-loop.md, whose server loops like this
//! one (crates/tcp-loop/src/server.rs). The protocol is seed 003's
//! (section 5): the server speaks first, and `q` means goodbye. The task is
//! in this exercise's README.md; `just check 03` tells you what is left.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};

/// The tutorials read with `recv(1024)`: at most this many bytes per message.
pub const BUF_SIZE: usize = 1024;

/// What the server sends as soon as a client connects ("welcome").
pub const WELCOME: &str = "欢迎光临";

/// The message a client sends to leave.
pub const QUIT: &str = "q";

/// Appended to every message in the reply ("OK").
pub const ACK: &str = "好的";

/// Serves one client the seed-003 way:
///
/// 1. send [`WELCOME`] at once, before the client says anything;
/// 2. loop: read one message (one read of at most [`BUF_SIZE`] bytes);
///    - [`QUIT`] ends the conversation;
///    - zero bytes (the client closed without saying `q`) ends it too;
///    - anything else is answered with the message followed by [`ACK`].
///
/// Returns the messages received, without the final `q`. The connection is
/// closed when the function returns.
pub fn serve_client(mut conn: TcpStream) -> io::Result<Vec<String>> {
    // TODO-BEGIN: Send WELCOME, then answer each message until `q` or a close.
    // Each answer is the message followed by ACK, sent in one write_all().
    // The tutorial's server never checks for zero bytes: when a client
    // closes without `q`, recv() returns b"" at once, forever, and the
    // server spins at full speed answering "好的" to nobody. Don't.
    conn.write_all(WELCOME.as_bytes())?;
    let mut received = Vec::new();
    let mut buf = [0u8; BUF_SIZE];
    loop {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            break; // the client closed without a goodbye
        }
        let message = String::from_utf8_lossy(&buf[..n]).into_owned();
        if message == QUIT {
            break;
        }
        conn.write_all(format!("{message}{ACK}").as_bytes())?;
        received.push(message);
    }
    Ok(received)
    // TODO-END
}

/// Accepts `clients` clients, one after the other, serving each with
/// [`serve_client`] until it leaves. (A real server loops forever; the tests
/// need it to end.) Returns what each client sent, in order.
pub fn serve(listener: &TcpListener, clients: usize) -> io::Result<Vec<Vec<String>>> {
    // TODO-BEGIN: Accept `clients` clients one after another and serve each.
    let mut all = Vec::new();
    if clients > 0 {
        let (conn, _addr) = listener.accept()?;
        all.push(serve_client(conn)?);
    }
    Ok(all)
    // TODO-END
}
