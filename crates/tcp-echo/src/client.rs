//! The client: connect, send one message, print the answer, close.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;

use common::{advice, args::host_port, Encoding, LineSource};
use log::debug;

use crate::{BUF_SIZE, START_SERVER};

// ANCHOR: connect
/// Steps 1-2: create a TCP socket and connect it to `host:port`.
pub fn connect(host: &str, port: u16) -> anyhow::Result<TcpStream> {
    // 1-2. socket() + connect(): TcpStream::connect does both, trying every
    //      address `host` resolves to.
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

/// Steps 3-5: send one typed message, print the answer, close.
pub fn talk<R: BufRead>(
    mut stream: TcpStream,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let server = stream.peer_addr()?;
    writeln!(out, "connected to {server}")?;

    // ANCHOR: send
    // 3. Send what the person types (or --message). sendall() = write_all().
    let Some(message) = typed.prompt(out, "message> ")? else {
        // End of input before anything was typed: just close.
        return Ok(());
    };
    stream
        .write_all(message.as_bytes())
        .map_err(|e| advice::conversation(e, "sending to", server))?;
    debug!("write {} bytes to {server}", message.len());
    // ANCHOR_END: send

    // ANCHOR: recv
    // 4. recv(1024): one read of at most 1024 bytes.
    let mut buf = [0u8; BUF_SIZE];
    let n = stream
        .read(&mut buf)
        .map_err(|e| advice::conversation(e, "reading from", server))?;
    debug!("read {n} bytes from {server}");
    if n == 0 {
        anyhow::bail!("the server at {server} closed the connection without replying");
    }
    writeln!(out, "reply: {}", Encoding::Utf8.decode_all(&buf[..n]))?;
    // ANCHOR_END: recv

    // ANCHOR: close
    // 5. close(): dropping the stream closes the connection.
    drop(stream);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}
