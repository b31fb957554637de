//! The client: connect, then send `老王:` + each typed line and print the
//! answer, until `exit` (or the end of input).
//!
//! Wire format, exactly the tutorial's: the UTF-8 bytes of `NAME:text`, no
//! newline. An empty line is sent as `NAME:`, as the tutorial sends `老王:`.
//! That is never zero bytes (the colon is always there), which matters: a
//! zero-byte write sends nothing, and the client would wait for an answer
//! to a message the server never got.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;

use common::{advice, args::host_port, Encoding, LineSource};
use log::debug;

use crate::{BUF_SIZE, BUSY, START_SERVER};

// ANCHOR: connect
/// Steps 1-2: create a TCP socket and connect it to `host:port`.
pub fn connect(host: &str, port: u16) -> anyhow::Result<TcpStream> {
    // 1-2. socket() + connect(): TcpStream::connect does both.
    let stream = TcpStream::connect((host, port))
        .map_err(|e| advice::connect(e, host_port(host, port), START_SERVER))?;
    debug!(
        "socket, connect: {} -> {}",
        stream.local_addr()?,
        stream.peer_addr()?
    );
    Ok(stream)
}
// ANCHOR_END: connect

/// Steps 3-5: send `name:line` for every typed line and print each answer,
/// until `exit` or the end of input; then close.
pub fn talk<R: BufRead>(
    mut stream: TcpStream,
    name: &str,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let server = stream.peer_addr()?;
    writeln!(out, "connected to {server}")?;
    // One decoder for the whole connection: a character split between two
    // reads is completed by the next one.
    let mut decoder = Encoding::Utf8.decoder();
    let mut buf = [0u8; BUF_SIZE];

    loop {
        // ANCHOR: send
        // 3. Prefix what the person types with the name; `exit` (or the end
        //    of input) leaves the loop. sendall() = write_all().
        let line = match typed.prompt(out, "message> ")? {
            Some(line) if line != "exit" => line,
            _ => break,
        };
        let message = format!("{name}:{line}");
        stream
            .write_all(message.as_bytes())
            .map_err(|e| advice::conversation(e, "sending to", server))?;
        debug!("write {} bytes to {server}", message.len());
        // ANCHOR_END: send

        // ANCHOR: recv
        // 4. recv(1024): one read of at most 1024 bytes. Zero bytes means
        //    the server closed the connection (the tutorial printed an empty
        //    answer and carried on).
        let n = stream
            .read(&mut buf)
            .map_err(|e| advice::conversation(e, "reading from", server))?;
        debug!("read {n} bytes from {server}");
        if n == 0 {
            anyhow::bail!("the server at {server} closed the connection");
        }
        let reply = decoder.decode(&buf[..n]);
        if reply.starts_with(BUSY) {
            // --max-clients: the server said why, and has closed on us.
            anyhow::bail!("the server at {server} turned this client away: {reply}");
        }
        writeln!(out, "reply: {reply}")?;
        // ANCHOR_END: recv
    }

    // ANCHOR: close
    // 5. close(): dropping the stream closes the connection.
    drop(stream);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}
