//! The client: connect, then loop: read a line, send it, print the answer;
//! `quit` (or the end of input) closes the connection.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;

use common::{advice, args::host_port, Encoding, LineSource};
use log::debug;

use crate::{BUF_SIZE, QUIT, START_SERVER};

// ANCHOR: connect
/// Steps 1-2: create a TCP socket and connect it to `host:port`.
pub fn connect(host: &str, port: u16) -> anyhow::Result<TcpStream> {
    // 1-2. socket() + connect(). The tutorial calls connect_ex(), which
    //      returns an error code nobody checks, so a missing server only
    //      shows up at the first send; here it is reported at once.
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

/// Steps 3-6: send each typed line, print each answer, then close.
///
/// An error means the server went away mid-conversation (it closed or reset
/// the connection); `quit` and the end of input are a normal `Ok`.
pub fn talk<R: BufRead>(
    mut stream: TcpStream,
    typed: &mut LineSource<R>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let server = stream.peer_addr()?;
    writeln!(out, "connected to {server}")?;
    // One decoder for the whole connection, as on the server.
    let mut decoder = Encoding::Utf8.decoder();
    let mut buf = [0u8; BUF_SIZE];
    // `loop` rather than `while let`: it reads like the Python's `while True:`,
    // with each way out of the conversation written where it happens.
    #[allow(clippy::while_let_loop)]
    loop {
        // ANCHOR: input
        // 3. Read a line (Python's input('>>: ').strip()). An empty line is
        //    skipped: sending it would send nothing, and recv would wait for
        //    ever. `quit`, or the end of input, ends the conversation.
        let Some(line) = typed.prompt(out, "message> ")? else {
            break;
        };
        let message = line.trim();
        if message.is_empty() {
            continue;
        }
        if message == QUIT {
            break;
        }
        // ANCHOR_END: input

        // ANCHOR: send
        // 4. send() the UTF-8 bytes; write_all() is sendall(): every byte.
        stream
            .write_all(message.as_bytes())
            .map_err(|e| advice::conversation(e, "sending to", server))?;
        debug!("write {} bytes to {server}", message.len());
        // ANCHOR_END: send

        // ANCHOR: recv
        // 5. recv(1024): one read of at most 1024 bytes. Zero bytes means the
        //    server hung up (the tutorial printed an empty line and went on).
        let reply = loop {
            let n = stream
                .read(&mut buf)
                .map_err(|e| advice::conversation(e, "reading from", server))?;
            debug!("read {n} bytes from {server}");
            if n == 0 {
                anyhow::bail!("the server at {server} closed the connection before replying");
            }
            let text = decoder.decode(&buf[..n]);
            // Empty: only the first bytes of a character so far; read on.
            if !text.is_empty() {
                break text;
            }
        };
        writeln!(out, "reply: {reply}")?;
        // ANCHOR_END: recv
    }

    // ANCHOR: close
    // 6. close(): dropping the stream closes the connection; the server's
    //    recv then returns zero bytes and it moves on to the next client.
    drop(stream);
    debug!("close");
    // ANCHOR_END: close
    Ok(())
}
