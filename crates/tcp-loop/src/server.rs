//! The server: accept clients one after another; with each, loop: read a
//! message, print it, answer it, until the client leaves.
//!
//! The tutorial's Python never checks for the end of a conversation: once a
//! client closes, `recv` returns `b""` at once, every time, and the server
//! prints empty messages and asks for replies to nobody, until its second
//! reply fails with `BrokenPipeError` and kills it. Here zero bytes ends
//! the conversation, and a client that fails (a reset, say) ends only its own
//! conversation: the server reports it on one line and accepts the next.

use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::Context;
use common::{advice, args::host_port, text, Encoding, LineSource, Reply};
use log::debug;

use crate::BUF_SIZE;

/// How the conversation with one client ended.
#[derive(Debug)]
pub enum Ending {
    /// The client closed its side: `recv` returned zero bytes.
    Left,
    /// Reading from or writing to the client failed (a reset, say). Only
    /// this client is lost; the server goes on with the next.
    Failed(anyhow::Error),
    /// The person typing replies is done (end of stdin): the server stops.
    NoMoreReplies,
}

// ANCHOR: bind
/// Steps 1-3: create a TCP socket, bind it to `host:port`, listen.
pub fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    // 1-3. Python needs socket(), bind() and listen(5); std's bind() does all
    //      three and returns a listening socket (its backlog is 128).
    let listener =
        TcpListener::bind((host, port)).map_err(|e| advice::bind(e, host_port(host, port)))?;
    debug!("socket, bind, listen: {}", listener.local_addr()?);
    Ok(listener)
}
// ANCHOR_END: bind

/// Steps 4-7 for every client, one after another. Returns `Ok` only when
/// the person typing replies is done (end of stdin); with `--reply` or
/// `--echo` it serves clients until the process is stopped.
///
/// `typed` supplies answers when `reply` is [`Reply::Typed`]; everything the
/// server prints goes to `out`.
pub fn serve_forever<R: BufRead>(
    listener: &TcpListener,
    reply: &Reply,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    loop {
        // ANCHOR: accept
        // 4. accept() waits for the next client and returns a new socket for
        //    this one conversation. Clients that connect meanwhile queue in
        //    the listen backlog until this one is done.
        let (conn, addr) = listener.accept().context("accept failed")?;
        debug!("accept: {addr}");
        writeln!(out, "client connected: {addr}")?;
        // ANCHOR_END: accept

        if let Ending::NoMoreReplies = serve_client(conn, addr, reply, typed, out)? {
            return Ok(());
        }
    }
}

/// Steps 5-7: read a message, print it, answer it, until the client leaves;
/// then close the connection and say how the conversation ended.
///
/// `Err` means the server's own side failed (printing, or reading stdin);
/// a client that fails is an `Ok(`[`Ending::Failed`]`)`.
pub fn serve_client<R: BufRead>(
    mut conn: TcpStream,
    addr: SocketAddr,
    reply: &Reply,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> io::Result<Ending> {
    // One decoder per connection: a character that one read cuts in two is
    // held back and completed by the next read.
    let mut decoder = Encoding::Utf8.decoder();
    let mut buf = [0u8; BUF_SIZE];
    let ending = loop {
        // ANCHOR: recv
        // 5. recv(1024): one read of at most 1024 bytes, whatever the client
        //    sent (a long message takes several reads, each answered).
        let n = match conn.read(&mut buf) {
            Ok(n) => n,
            Err(e) => break Ending::Failed(advice::conversation(e, "reading from", addr)),
        };
        debug!("read {n} bytes from {addr}");
        if n == 0 {
            // Zero bytes is not an empty message: the client has closed.
            // (The tutorial's Python misses this: the EOF spin.)
            let unfinished = decoder.finish(); // a cut-off character, as U+FFFD
            if !unfinished.is_empty() {
                writeln!(out, "received: {unfinished}")?;
            }
            break Ending::Left;
        }
        let message = decoder.decode(&buf[..n]);
        if message.is_empty() {
            // Only the first bytes of a character so far: read the rest.
            continue;
        }
        writeln!(out, "received: {message}")?;
        // A full buffer may be only the start of a longer message.
        if let Some(note) = text::full_read(n, BUF_SIZE, true) {
            writeln!(out, "{note}")?;
        }
        // ANCHOR_END: recv

        // ANCHOR: send
        // 6. Answer: typed (Python's input(">>>")), --reply TEXT or --echo,
        //    and sendall() it: write_all() loops until every byte is sent.
        let Some(answer) = answer(reply, &message, typed, out)? else {
            break Ending::NoMoreReplies;
        };
        if let Err(e) = conn.write_all(answer.as_bytes()) {
            break Ending::Failed(advice::conversation(e, "sending to", addr));
        }
        debug!("write {} bytes to {addr}", answer.len());
        // ANCHOR_END: send
    };

    // ANCHOR: close
    // 7. close() this conversation, however it ended; the caller goes back
    //    to accept() for the next client (unless the typing is over).
    drop(conn);
    debug!("close: {addr}");
    match &ending {
        Ending::Left => writeln!(out, "{addr} left; waiting for the next client")?,
        Ending::Failed(err) => writeln!(out, "{err:#}; waiting for the next client")?,
        Ending::NoMoreReplies => writeln!(out, "no more replies: closed {addr}, stopping")?,
    }
    // ANCHOR_END: close
    Ok(ending)
}

/// The answer to `message`; `None` when the person typing is done.
///
/// An empty typed line is asked again: sending zero bytes sends nothing at
/// all, and the client would wait for a reply for ever.
fn answer<R: BufRead>(
    reply: &Reply,
    message: &str,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> io::Result<Option<String>> {
    loop {
        match reply.answer(message, typed, out, "reply> ")? {
            Some(text) if text.is_empty() && reply.is_typed() => continue,
            other => return Ok(other),
        }
    }
}
