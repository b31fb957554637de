//! The server: bind, listen, accept one client, one message each way, close.

use std::io::{BufRead, Read, Write};
use std::net::TcpListener;

use anyhow::Context;
use common::{advice, args::host_port, text, Encoding, LineSource, Reply};
use log::debug;

use crate::BUF_SIZE;

// ANCHOR: bind
/// Steps 1-3: create a TCP socket, bind it to `host:port`, listen.
pub fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    // 1-3. Python needs socket(), bind() and listen(); std's bind() does all
    // three and returns a listening socket (its backlog is 128).
    let listener =
        TcpListener::bind((host, port)).map_err(|e| advice::bind(e, host_port(host, port)))?;
    debug!("socket, bind, listen: {}", listener.local_addr()?);
    Ok(listener)
}
// ANCHOR_END: bind

/// Steps 4-7: accept one client, read one message, answer it, close.
///
/// `typed` supplies the answer when `reply` is [`Reply::Typed`]; everything
/// the server prints goes to `out`.
pub fn serve_one<R: BufRead>(
    listener: &TcpListener,
    reply: &Reply,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    // ANCHOR: accept
    // 4. accept() blocks until a client connects. It returns a NEW socket for
    //    this one conversation, and the client's address.
    let (mut conn, addr) = listener.accept().context("accept failed")?;
    debug!("accept: {addr}");
    writeln!(out, "client address: {addr}")?;
    // ANCHOR_END: accept

    // ANCHOR: recv
    // 5. recv(1024): ONE read of at most 1024 bytes. TCP is a byte stream, so
    //    a longer message would need more reads; the tutorial ignores that.
    let mut buf = [0u8; BUF_SIZE];
    let n = conn
        .read(&mut buf)
        .map_err(|e| advice::conversation(e, "reading from", addr))?;
    debug!("read {n} bytes from {addr}");
    if n == 0 {
        // Zero bytes is not an empty message: it means the client closed.
        writeln!(out, "{addr} closed the connection without sending anything")?;
        return Ok(());
    }
    // Invalid UTF-8 is shown as U+FFFD instead of raising like Python's decode().
    let message = Encoding::Utf8.decode_all(&buf[..n]);
    writeln!(out, "received: {message}")?;
    // A full buffer may be only the start of a longer message: say so.
    if let Some(note) = text::full_read(n, BUF_SIZE, false) {
        writeln!(out, "{note}")?;
    }
    // ANCHOR_END: recv

    // ANCHOR: send
    // 6. Answer: typed (Python's input()), --reply TEXT or --echo.
    let Some(answer) = reply.answer(&message, typed, out, "reply> ")? else {
        writeln!(out, "no reply typed; closing")?;
        return Ok(());
    };
    // sendall(): write_all() loops until every byte is sent.
    conn.write_all(answer.as_bytes())
        .map_err(|e| advice::conversation(e, "sending to", addr))?;
    debug!("write {} bytes to {addr}", answer.len());
    // ANCHOR_END: send

    // ANCHOR: close
    // 7. close(): dropping the stream closes it (the listener closes when
    //    `main` returns). Rust closes sockets even on early returns.
    drop(conn);
    debug!("close: {addr}");
    // ANCHOR_END: close
    Ok(())
}
