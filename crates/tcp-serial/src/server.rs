//! The server: wait, accept a client, serve it until it closes, say so,
//! then accept the next. One client at a time.
//!
//! Everything happens on one thread: while it reads from one client, no
//! other client is accepted, so a second client's messages sit unread in
//! the kernel until the first one leaves. That is the point of the lesson
//! (lesson 4, tcp-threaded, serves them at once).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::Context;
use common::{advice, args::host_port, text, Encoding};
use log::debug;

use crate::{BUF_SIZE, DEFAULT_REPLY};

/// How the server answers each message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Always the same text (`收到您的信息~`, or `--reply TEXT`).
    Fixed(String),
    /// The message itself (`--echo`).
    Echo,
}

/// How the server was started.
#[derive(Debug, Clone)]
pub struct Options {
    /// The answer to every message.
    pub answer: Answer,
    /// One message per client, then close (seed 004 section 1.3.1).
    pub once: bool,
    /// The encoding of the bytes on the wire (seed 004's Python: GBK).
    pub encoding: Encoding,
    /// Print no line per message (for benchmarks): only clients coming and going.
    pub quiet: bool,
}

impl Default for Options {
    /// Seed 004 section 1.3.2, in UTF-8: every message answered, many per client.
    fn default() -> Self {
        Options {
            answer: Answer::Fixed(DEFAULT_REPLY.to_string()),
            once: false,
            encoding: Encoding::Utf8,
            quiet: false,
        }
    }
}

// ANCHOR: bind
/// Steps 1-3: create a TCP socket, bind it to `host:port`, listen.
pub fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    // 1-3. socket(), bind(), listen(128): std's bind() does all three (and
    //      its backlog is 128 too). The seed binds "", every interface;
    //      the lesson binds 127.0.0.1 unless --host says otherwise.
    let listener =
        TcpListener::bind((host, port)).map_err(|e| advice::bind(e, host_port(host, port)))?;
    debug!("socket, bind, listen: {}", listener.local_addr()?);
    Ok(listener)
}
// ANCHOR_END: bind

/// Steps 4-7 for every client, one after another, until the process is
/// stopped. Returns only if the server itself fails (accept, or printing);
/// a client that fails is reported and the next one is served.
pub fn serve_forever(
    listener: &TcpListener,
    options: &Options,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    loop {
        // ANCHOR: accept
        // 4. Say so, then accept() the next client. Others may connect
        //    meanwhile: the kernel completes their handshake and queues them
        //    (the listen backlog), but nobody reads from them until this loop
        //    comes back here. They wait.
        writeln!(out, "waiting for a client...")?;
        let (conn, addr) = listener.accept().context("accept failed")?;
        debug!("accept: {addr}");
        writeln!(out, "client {addr} arrived")?;
        // ANCHOR_END: accept

        serve_client(conn, addr, options, out)?;
    }
}

/// Steps 5-7: read a message, answer it, until the client closes (or, with
/// `--once`, after the first answer); then close and say so.
///
/// `Err` means printing failed; a client that fails (a reset, say) is
/// reported on one line and ends only its own conversation.
pub fn serve_client(
    mut conn: TcpStream,
    addr: SocketAddr,
    options: &Options,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    // One decoder per connection: a character one read cuts in two (two
    // bytes in GBK, up to four in UTF-8) is completed by the next read.
    let mut decoder = options.encoding.decoder();
    let mut buf = [0u8; BUF_SIZE];
    let conversation: anyhow::Result<()> = loop {
        // ANCHOR: recv
        // 5. recv(1024): one read of at most 1024 bytes. Zero bytes means
        //    the client has closed: this conversation is over.
        let n = match conn.read(&mut buf) {
            Ok(n) => n,
            Err(e) => break Err(advice::conversation(e, "reading from", addr)),
        };
        debug!("read {n} bytes from {addr}");
        if n == 0 {
            let unfinished = decoder.finish(); // a cut-off character, as U+FFFD
            if !unfinished.is_empty() && !options.quiet {
                writeln!(out, "received: {unfinished}")?;
            }
            break Ok(());
        }
        let message = decoder.decode(&buf[..n]);
        if message.is_empty() {
            // Only the first bytes of a character so far: read the rest.
            continue;
        }
        if !options.quiet {
            writeln!(out, "received: {message}")?;
            // A full buffer may be only the start of a longer message.
            if let Some(note) = text::full_read(n, BUF_SIZE, !options.once) {
                writeln!(out, "{note}")?;
            }
        }
        // ANCHOR_END: recv

        // ANCHOR: send
        // 6. Answer in the connection's encoding (the seed: .encode("gbk"));
        //    write_all() is sendall(): every byte, where send() may not.
        let answer = match &options.answer {
            Answer::Fixed(text) => text.as_str(),
            Answer::Echo => message.as_str(),
        };
        let bytes = options.encoding.encode(answer);
        if let Err(e) = conn.write_all(&bytes) {
            break Err(advice::conversation(e, "sending to", addr));
        }
        debug!("write {} bytes to {addr}", bytes.len());
        if options.once {
            // Section 1.3.1: one message per client, then close.
            break Ok(());
        }
        // ANCHOR_END: send
    };

    // ANCHOR: close
    // 7. close() this client's socket, however the conversation ended, and
    //    say so; the caller goes back to step 4 for the next client.
    drop(conn);
    debug!("close: {addr}");
    if let Err(err) = conversation {
        writeln!(out, "{err:#}")?;
    }
    writeln!(out, "done serving {addr}")?;
    // ANCHOR_END: close
    Ok(())
}
